// A model baked into the binary. examples/data/xor.safetensors is a small
// classifier (2 -> 16 tanh -> 2) of the XOR of two signs, trained by this
// program's --train mode (train::step, softmax cross-entropy, Adam) and
// saved with io::save_safetensors, as a PyTorch state_dict would be. At build
// time CMake runs
//
//   ctnn-embed examples/data/xor.safetensors --name xor_model -o xor_model.hpp
//              --net 'Sequential<Input<2>, Dense<16>, Tanh, Dense<2>>'
//
// and this file includes the header: the weights are constexpr arrays, the
// network `xor_model::net` a constant in read-only data (no file I/O, no
// start-up cost), its shapes checked against the type by the compiler. The
// run checks that it equals the file loaded at run time, bit for bit, in its
// parameters and its outputs, and that it classifies a grid of points.
//
//   embedded_model [--quick]            check the embedded model
//   embedded_model --train FILE         train the model again and save it to FILE
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <ctnn/io/safetensors.hpp>
#include <ctnn/layers.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>
#include <ctnn/net/init.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/step.hpp>

#include "xor_model.hpp"

using namespace ctnn;
using Net = Sequential<Input<2>, Dense<16>, Tanh, Dense<2>>;
static_assert(std::is_same_v<xor_model::net_type, Net>);

/// Class of a point: 1 when x and y have the same sign.
constexpr int label_of(float x, float y) { return (x > 0) == (y > 0) ? 1 : 0; }
template <class N>
constexpr int predict(const N& net, float x, float y) {
    const auto out = net.forward(Tensor<float, 2>{x, y});
    return out(1) > out(0) ? 1 : 0;
}

// The compiler runs the embedded model: the four quadrants' centres.
static_assert(predict(xor_model::net, 0.5f, 0.5f) == 1 && predict(xor_model::net, -0.5f, -0.5f) == 1);
static_assert(predict(xor_model::net, 0.5f, -0.5f) == 0 && predict(xor_model::net, -0.5f, 0.5f) == 0);

namespace {

int train_and_save(const std::string& path) {
    constexpr std::size_t B = 64;
    auto net = std::make_unique<Net>();
    init::he_uniform(*net, 1);
    auto ws = std::make_unique<Net::workspace<B>>();
    auto g = std::make_unique<Net::gradients>();
    optim::Adam<Net> adam(optim::adam_config<false>{.lr = 0.02});
    Rng rng(2);
    Net::input_batch<B> x;
    Labels<B> labels;
    float loss = 0;
    for (int s = 0; s < 3000; ++s) {
        for (std::size_t r = 0; r < B; ++r) {
            const float a = float(rng.uniform(-1, 1)), b = float(rng.uniform(-1, 1));
            x(r, 0) = a;
            x(r, 1) = b;
            labels[r] = label_of(a, b);
        }
        loss = train::step<SoftmaxCrossEntropy>(*net, *ws, *g, adam, x, labels);
    }
    io::save_safetensors(*net, path, {{"task", "xor of two signs"}, {"trained_by", "examples/embedded_model --train"}});
    std::printf("trained 3000 Adam steps of 64 points (last loss %.4f), saved %s\n", loss, path.c_str());
    return 0;
}

int check_embedded(bool quick) {
    int failures = 0;
    auto expect = [&](bool ok, const char* what) {
        std::printf("%s: %s\n", ok ? "ok" : "FAILED", what);
        failures += !ok;
    };
    // The original: the same file, loaded at run time.
    auto loaded = std::make_unique<Net>();
    io::load_safetensors(*loaded, CTNN_EXAMPLE_XOR_MODEL);
    expect(std::memcmp(xor_model::net.params(), loaded->params(), sizeof(float) * Net::param_storage) == 0,
           "the embedded parameters equal the file's, bit for bit");

    const int n = quick ? 41 : 201;  // an n x n grid over [-1, 1]^2
    int same = 0, right = 0, counted = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const float a = -1 + 2.0f * float(i) / float(n - 1), b = -1 + 2.0f * float(j) / float(n - 1);
            const Tensor<float, 2> p{a, b};
            const auto y = xor_model::net.forward(p);
            const auto z = loaded->forward(p);
            same += std::memcmp(y.data(), z.data(), sizeof(float) * 2) == 0;
            // points within 0.1 of an axis are ambiguous for any smooth model
            if (std::abs(a) < 0.1f || std::abs(b) < 0.1f) continue;
            ++counted;
            right += (y(1) > y(0) ? 1 : 0) == label_of(a, b);
        }
    std::printf("grid of %d x %d points: outputs equal %d of %d; accuracy %.2f%% (%d points off the axes)\n", n, n,
                same, n * n, 100.0 * right / counted, counted);
    expect(same == n * n, "the embedded model's outputs equal the loaded model's, bit for bit");
    expect(right >= counted * 97 / 100, "the embedded model classifies at least 97% of the grid");
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--quick") {
            quick = true;
        } else if (a == "--train" && i + 1 < argc) {
            return train_and_save(argv[i + 1]);
        } else {
            std::fprintf(stderr, "usage: %s [--quick] [--train FILE]\n", argv[0]);
            return 2;
        }
    }
    return check_embedded(quick);
}
