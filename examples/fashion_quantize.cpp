// The Fashion-MNIST MLP in bf16 and int8: precision as part of the type.
//
//   784 -> 256 ReLU -> 128 ReLU -> 10 (the MLP of fashion_mnist.cpp), trained
//   for a few epochs with Adam (or loaded: --model FILE.safetensors, e.g. a
//   PyTorch state_dict with 0.weight ... 4.bias), written to and read back
//   from fashion_quantize.safetensors (the path a PyTorch model takes), then
//
//     auto q16 = quant::quantize<quant::bf16_weights>(net);
//     auto q8  = quant::quantize<quant::int8_weights>(net, calibration);  // 1,000 training images
//
//   Prints test accuracy and batch-1 latency of float, bf16 and int8 side by
//   side, and the per-layer error of each against the float network.
//
// Options: --quick (2 epochs on 6,000 images, 2,000 test images: the test
// suite's mode), --model FILE, --out DIR, --data DIR.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/quant.hpp>

#include "fashion_support.hpp"

using namespace ctnn;

namespace {
using Net = Sequential<Input<784>, Dense<256>, ReLU, Dense<128>, ReLU, Dense<10>>;
using Images = train::Dataset<float, Shape<784>>;

/// `--model FILE`, removed from argv before the shared options are parsed.
std::string take_model(int& argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--model") == 0) {
            std::string file = argv[i + 1];
            for (int j = i; j + 2 <= argc; ++j) argv[j] = argv[j + 2];
            argc -= 2;
            return file;
        }
    return {};
}

struct result {
    double accuracy;
    double microseconds;  // per sample, batch 1
};

/// Accuracy on `test` and mean time of one batch-1 forward (best of 3 passes
/// over the set), in CPU time: other processes on a shared core do not count.
template <class Model>
result run(const Model& model, const Images& test) {
    Net::input_type x;
    Net::output_type y;
    std::size_t hits = 0;
    double best = 1e30;
    for (int pass = 0; pass < 3; ++pass) {
        hits = 0;
        const std::clock_t t0 = std::clock();
        for (std::size_t i = 0; i < test.size(); ++i) {
            std::memcpy(x.data(), test.input(i), sizeof(float) * 784);
            model.forward(x, y);
            hits += examples::fashion::argmax(y) == std::size_t(test.label(i));
        }
        best = std::min(best, 1e6 * double(std::clock() - t0) / CLOCKS_PER_SEC);
    }
    return {double(hits) / double(test.size()), best / double(test.size())};
}

/// The float network through the same call shape as the quantized ones.
struct float_model {
    const Net& net;
    void forward(const Net::input_type& x, Net::output_type& y) const noexcept { y = net.forward(x); }
};
}  // namespace

int main(int argc, char** argv) {
    const std::string dir = examples::fashion::take_data_dir(argc, argv);
    const std::string model = take_model(argc, argv);
    const auto opt = examples::parse_options(argc, argv);
    simd::FlushDenormals ftz;

    if (!examples::fashion::have_data(dir)) return 1;
    auto [all, test] = examples::fashion::load_train_test<Images>(dir, opt.quick);

    auto trained = std::make_unique<Net>();
    if (model.empty()) {
        init::torch_default(*trained, 1);
        auto adam = std::make_unique<optim::Adam<Net>>(optim::adam_config<false>{.lr = 1e-3});
        train::fit_options o;
        o.epochs = opt.quick ? 2 : 6;
        o.seed = 1;
        o.schedule = optim::cosine_lr{.t_max = o.epochs};
        o.out = &std::cout;
        train::fit<SoftmaxCrossEntropy, 64>(*trained, *adam, all, nullptr, o);
    } else {
        io::load_safetensors(*trained, model);
    }
    // A float network from a safetensors file (as a PyTorch model arrives), then quantized.
    const auto file = (opt.out / "fashion_quantize.safetensors").string();
    io::save_safetensors(*trained, file);
    auto net = std::make_unique<Net>();
    io::load_safetensors(*net, file);

    const auto calibration = train::split_at(all, 1000).first;
    const auto t0 = std::chrono::steady_clock::now();
    const auto q16 = quant::quantize<quant::bf16_weights>(*net);
    const auto q8 = quant::quantize<quant::int8_weights>(*net, calibration);
    const double convert_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    const result f = run(float_model{*net}, test), b = run(*q16, test), i = run(*q8, test);
    std::printf("\n%zu test images, batch 1 (%s, bf16 dot: %s, VNNI: %s); quantized in %.0f ms\n", test.size(),
                simd::quant::have_bf16_dot ? "AVX-512" : "portable", simd::quant::have_bf16_dot ? "yes" : "no",
                simd::quant::have_vnni ? "yes" : "no", convert_ms);
    std::printf("  %-6s %10s %10s %12s %14s\n", "", "accuracy", "vs float", "latency", "weight bytes");
    std::printf("  %-6s %9.2f%% %10s %9.2f µs %14zu\n", "float", 100 * f.accuracy, "", f.microseconds,
                Net::param_count * sizeof(float));
    std::printf("  %-6s %9.2f%% %+9.2f  %9.2f µs %14zu\n", "bf16", 100 * b.accuracy, 100 * (b.accuracy - f.accuracy),
                b.microseconds, decltype(q16)::element_type::weight_bytes);
    std::printf("  %-6s %9.2f%% %+9.2f  %9.2f µs %14zu\n", "int8", 100 * i.accuracy, 100 * (i.accuracy - f.accuracy),
                i.microseconds, decltype(q8)::element_type::weight_bytes);

    const auto sample = train::split_at(test, 1000).first;
    std::printf("\nper-layer error against the float network (1,000 test images):\nbf16\n");
    quant::print(std::cout, quant::error_report(*q16, *net, sample));
    std::printf("int8 (inputs calibrated by max |x| on 1,000 training images)\n");
    quant::print(std::cout, quant::error_report(*q8, *net, sample));

    examples::Checks check;
    const double bf16_limit = opt.quick ? 0.5 : 0.1, int8_limit = opt.quick ? 1.0 : 0.5;  // points (2,000 images in --quick)
    check.expect(f.accuracy > (opt.quick ? 0.7 : 0.85), examples::format("float accuracy %.2f%%", 100 * f.accuracy));
    check.expect(f.accuracy - b.accuracy <= bf16_limit / 100,
                 examples::format("bf16 loses %.2f points <= %.1f", 100 * (f.accuracy - b.accuracy), bf16_limit));
    check.expect(f.accuracy - i.accuracy <= int8_limit / 100,
                 examples::format("int8 loses %.2f points <= %.1f", 100 * (f.accuracy - i.accuracy), int8_limit));
    return check.exit_code();
}
