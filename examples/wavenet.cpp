// A WaveNet imported from PyTorch and run as an audio effect would run it:
// one sample per call, state carried, nothing allocated.
//
// The model has the size of Neural Amp Modeler's "nano": two stacks of 10
// layers with dilations 1, 2, ..., 512, kernel 3 and tanh, 4 residual + 2
// skip channels in the first stack and 2 + 1 in the second. Each layer is
// one ctnn type built from the graph layers,
//
//   Residual<Slice<0, R>, Conv1D<R, 3, 1, D, 1, Causal>, Tanh, Concat<Conv1D<R, 1>, Conv1D<S, 1>>>
//
// on [R + S] channels: x_res += 1x1(tanh(conv_D(x_res))) and skip += 1x1_s(the same).
// examples/data/make_wavenet.py builds the same model from tools/ctnn_torch.py's
// modules (CausalConv1d, Slice, Residual, Concat), saves its state_dict, a
// test signal and PyTorch's output; here the state_dict is loaded by name,
// and the output is checked sample by sample, streaming (bound to one sample
// [1]) and in blocks of 64 samples (the same layers bound to [1, 64], whose
// state carries each convolution's past from block to block). Then both are
// timed: the real-time factor is how many 48 kHz streams one core keeps up with.
//
//   wavenet [--quick]
#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {

/// One WaveNet layer on [R residual + S skip] channels.
template <std::size_t R, std::size_t S, std::size_t D>
using WaveNetLayer = Residual<Slice<0, R>, Conv1D<R, 3, 1, D, 1, Causal>, Tanh, Concat<Conv1D<R, 1>, Conv1D<S, 1>>>;
template <std::size_t R, std::size_t S>
using Stack = Sequential<WaveNetLayer<R, S, 1>, WaveNetLayer<R, S, 2>, WaveNetLayer<R, S, 4>, WaveNetLayer<R, S, 8>, WaveNetLayer<R, S, 16>,
                         WaveNetLayer<R, S, 32>, WaveNetLayer<R, S, 64>, WaveNetLayer<R, S, 128>, WaveNetLayer<R, S, 256>, WaveNetLayer<R, S, 512>>;
/// Input<1>: one sample per call; Input<1, N>: a block of N samples per call.
template <class In>
using WaveNet = Sequential<In, Conv1D<6, 1>, Stack<4, 2>, Conv1D<3, 1>, Stack<2, 1>, Slice<2, 3>>;

constexpr std::size_t block = 64;
using Streaming = WaveNet<Input<1>>;
using Blocks = WaveNet<Input<1, block>>;

/// CPU time of this thread: the machine may be shared, and a real-time
/// factor is about the work one core does.
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// One sample as the network's input.
Tensor<float, 1> sample(float v) {
    Tensor<float, 1> t;
    t(0) = v;
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    const examples::Options opt = examples::parse_options(argc, argv);
    examples::Checks checks;
    const std::string path = (std::filesystem::path(__FILE__).parent_path() / "data" / "wavenet.safetensors").string();
    const std::vector<std::uint8_t> bytes = io::read_file(path);
    const auto file = io::safetensors_view::parse(bytes, path);
    const io::load_options load{.prefix = "model.", .allow_unexpected = true};

    auto net = std::make_unique<Streaming>();
    auto blocks = std::make_unique<Blocks>();
    io::load_safetensors(*net, file, load);
    io::load_safetensors(*blocks, file, load);
    std::printf("WaveNet nano: %zu parameters, state %zu bytes per stream\n", Streaming::param_count,
                sizeof(Streaming::state_type));

    const io::tensor_entry* xe = file.find("input");
    const io::tensor_entry* ye = file.find("output");
    if (!xe || !ye) {
        std::fprintf(stderr, "%s: no input/output tensors\n", path.c_str());
        return 1;
    }
    std::vector<float> x(xe->size());
    std::vector<double> ref(ye->size());
    file.read(*xe, x.data());
    file.read(*ye, ref.data());
    const std::size_t n = opt.quick ? 1600 : x.size();  // whole blocks either way

    // Sample by sample against PyTorch; the error is relative to the output's peak.
    double peak = 0;
    for (std::size_t i = 0; i < n; ++i) peak = std::max(peak, std::abs(ref[i]));
    auto state = std::make_unique<Streaming::state_type>();
    std::vector<float> y(n), yb(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = net->forward(sample(x[i]), *state)(0);
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) err = std::max(err, std::abs(double(y[i]) - ref[i]));
    std::printf("streaming: %zu samples, max |ctnn - torch| = %.2e (peak %.3f)\n", n, err, peak);
    checks.expect(err <= 1e-5 * std::max(1.0, peak), "streaming output equals PyTorch's sample by sample (1e-5)");

    auto ws = std::make_unique<Blocks::workspace<1>>();
    auto xb = std::make_unique<Blocks::input_batch<1>>();
    for (std::size_t b = 0; b < n / block; ++b) {
        std::copy_n(x.data() + b * block, block, xb->data());
        blocks->forward(*xb, *ws);
        std::copy_n(ws->output().data(), block, yb.data() + b * block);
    }
    double berr = 0, diff = 0;
    for (std::size_t i = 0; i < n; ++i) {
        berr = std::max(berr, std::abs(double(yb[i]) - ref[i]));
        diff = std::max(diff, std::abs(double(yb[i]) - double(y[i])));
    }
    std::printf("blocks of %zu: max |ctnn - torch| = %.2e, max |block - streaming| = %.2e\n", block, berr, diff);
    checks.expect(berr <= 1e-5 * std::max(1.0, peak), "block output equals PyTorch's (1e-5)");
    checks.expect(diff <= 1e-5 * std::max(1.0, peak), "blocks and single samples agree");

    // Real-time factor: seconds of 48 kHz audio processed per second of this thread's CPU time.
    const int reps = opt.quick ? 4 : 40;
    float sink = 0;
    for (std::size_t i = 0; i < n; ++i) sink += net->forward(sample(x[i]), *state)(0);  // warm the caches
    double t0 = cpu_seconds();
    for (int r = 0; r < reps; ++r)
        for (std::size_t i = 0; i < n; ++i) sink += net->forward(sample(x[i]), *state)(0);
    const double per_sample = (cpu_seconds() - t0) / double(reps * n);
    for (std::size_t b = 0; b < n / block; ++b) blocks->forward(*xb, *ws);
    t0 = cpu_seconds();
    for (int r = 0; r < reps; ++r)
        for (std::size_t b = 0; b < n / block; ++b) {
            std::copy_n(x.data() + b * block, block, xb->data());
            blocks->forward(*xb, *ws);
            sink += ws->output().data()[0];
        }
    const double per_block_sample =
        (cpu_seconds() - t0) / double(reps * n);
    std::printf("one sample per call:  %6.1f ns per sample, %6.1fx real time at 48 kHz\n", per_sample * 1e9,
                1.0 / (per_sample * 48000));
    std::printf("blocks of %zu samples: %6.1f ns per sample, %6.1fx real time at 48 kHz\n", block,
                per_block_sample * 1e9, 1.0 / (per_block_sample * 48000));
    checks.expect(std::isfinite(sink), "outputs stay finite");
    return checks.exit_code();
}
