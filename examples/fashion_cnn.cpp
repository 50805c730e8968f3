// Fashion-MNIST with a CNN: the second flagship demo.
//
//   [1, 28, 28] -> Conv 3x3 16 -> BatchNorm -> ReLU -> MaxPool 2
//               -> Conv 3x3 32 -> BatchNorm -> ReLU -> MaxPool 2
//               -> residual block (Conv 3x3 32, BatchNorm, ReLU, Conv 3x3 32, BatchNorm) -> ReLU
//               -> Flatten -> Dense 128 -> ReLU -> Dropout 0.3 -> Dense 10
//   softmax cross-entropy, Adam (1e-3) with a cosine schedule over 15 epochs,
//   batches of 64, 5,000 training images held out for validation; before each
//   epoch a random half of the training images is mirrored left to right.
//
// Then the same network trained in PyTorch (examples/data/make_fashion_cnn.py,
// one epoch of the same recipe) is loaded by name from its safetensors file
// and must predict PyTorch's class for every one of the 10,000 test images.
// Writes fashion_cnn.csv and fashion_cnn.png (loss and accuracy curves).
//
// Options: --quick (1 epoch on 2,700 images, PyTorch's predictions checked on the first 1,000
// test images: the test suite's mode),
// --out DIR, --data DIR (default /usr/share/datasets/fashion-mnist).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <algorithm>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "fashion_support.hpp"

using namespace ctnn;

namespace {
template <std::size_t Out>
using Conv3x3 = Conv2D<Out, 3, 3, 1, 1, 1, Pad<1>>;
using Net = Sequential<Input<1, 28, 28>,                                  //
                       Conv3x3<16>, BatchNorm2D, ReLU, MaxPool2D<2, 2>,   // [16, 14, 14]
                       Conv3x3<32>, BatchNorm2D, ReLU, MaxPool2D<2, 2>,   // [32, 7, 7]
                       Residual<Conv3x3<32>, BatchNorm2D, ReLU, Conv3x3<32>, BatchNorm2D>, ReLU,
                       Flatten, Dense<128>, ReLU, Dropout<0.3>, Dense<10>>;
using Images = train::Dataset<float, Shape<1, 28, 28>>;
constexpr std::size_t batch = 64;

/// The augmentation: before every epoch each training image is mirrored left to right with probability ½
/// (`mirrored` holds which ones are now; an image is flipped in place when its draw differs).
void mirror_random_half(Images& images, std::vector<char>& mirrored, std::mt19937_64& rng) {
    mirrored.resize(images.size(), 0);
    for (std::size_t i = 0; i < images.size(); ++i) {
        const char want = char(rng() & 1);
        if (want == mirrored[i]) continue;
        float* x = images.input(i);
        for (std::size_t r = 0; r < 28; ++r) std::reverse(x + 28 * r, x + 28 * r + 28);
        mirrored[i] = want;
    }
}

/// The same network trained by PyTorch (examples/data/make_fashion_cnn.py), loaded by name: ctnn must predict
/// PyTorch's class for every test image, and its logits must match PyTorch's.
void torch_predictions(const std::string& dir, examples::Checks& check, std::size_t images) {
    const std::string path =
        (std::filesystem::path(__FILE__).parent_path() / "data" / "fashion_cnn_torch.safetensors").string();
    const std::vector<std::uint8_t> bytes = io::read_file(path);
    const auto file = io::safetensors_view::parse(bytes, path);
    auto net = std::make_unique<Net>();
    io::load_safetensors(*net, file, io::load_options{.prefix = "model.", .allow_unexpected = true});
    const io::tensor_entry* pe = file.find("test_predictions");
    const io::tensor_entry* le = file.find("test_logits");
    if (!pe || !le) throw error(path + ": no test_predictions / test_logits tensors");
    std::vector<double> predictions(pe->size()), logits(le->size());
    file.read(*pe, predictions.data());
    file.read(*le, logits.data());

    const Images test = examples::fashion::load<Images>(dir, "t10k");
    std::size_t same = 0, hits = 0;
    double worst = 0, scale = 0;
    for (std::size_t i = 0; i < images && i < test.size() && i < predictions.size(); ++i) {
        Net::input_type x;
        std::copy(test.input(i), test.input(i) + 784, x.data());
        const auto y = net->forward(x);
        const std::size_t best = examples::fashion::argmax(y);  // (the logits are compared below)
        same += best == std::size_t(predictions[i]);
        hits += best == std::size_t(test.label(i));
        if (10 * i < logits.size())
            for (std::size_t c = 0; c < 10; ++c) {
                worst = std::max(worst, std::abs(double(y(c)) - logits[10 * i + c]));
                scale = std::max(scale, std::abs(logits[10 * i + c]));
            }
    }
    std::printf("\nPyTorch's CNN (one epoch, %s) loaded by name: ctnn predicts PyTorch's class for %zu of %zu test "
                "images (accuracy %.2f%%); logits of the first %zu within %.2e (largest %.1f)\n",
                file.metadata().count("torch") ? ("torch " + file.metadata().at("torch")).c_str() : "PyTorch", same,
                images, 100.0 * double(hits) / double(images), std::min(images, logits.size() / 10), worst, scale);
    check.expect(predictions.size() == 10000 && same == images,
                 examples::format("ctnn predicts PyTorch's class for all %zu test images checked", images));
    check.expect(worst <= 1e-4 * std::max(1.0, scale), "ctnn's logits equal PyTorch's within 1e-4 (relative to the largest)");
}
}  // namespace

int main(int argc, char** argv) {
    const std::string dir = examples::fashion::take_data_dir(argc, argv);
    const auto opt = examples::parse_options(argc, argv);
    simd::FlushDenormals ftz;

    if (!examples::fashion::have_data(dir)) return 1;
    auto [all, test] = examples::fashion::load_train_test<Images>(dir, opt.quick, 3000, 1000);
    auto [training, validation] = train::split(all, opt.quick ? 0.1 : 5000.0 / 60000.0, 7);
    std::printf("Fashion-MNIST: %zu training, %zu validation, %zu test images\n", training.size(),
                validation.size(), test.size());
    Net::summary(std::cout);

    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    auto adam = std::make_unique<optim::Adam<Net>>(optim::adam_config<false>{.lr = 1e-3});

    const std::size_t epochs = opt.quick ? 1 : 15;
    examples::fashion::test_curve curve(opt, "fashion_cnn", *net, test);
    train::fit_options o;
    o.epochs = epochs;
    o.seed = 1;
    o.schedule = optim::cosine_lr{.t_max = epochs};
    o.out = &std::cout;
    std::vector<char> mirrored;
    std::mt19937_64 flips(7);
    Images& train_images = training;  // (clang 14 cannot capture a structured binding)
    mirror_random_half(train_images, mirrored, flips);
    o.on_epoch = [&](const train::epoch_stats& e) {
        mirror_random_half(train_images, mirrored, flips);  // for the next epoch
        curve(e);
    };
    const train::history h = train::fit<SoftmaxCrossEntropy, batch>(*net, *adam, training, &validation, o);
    curve.csv.close();

    const auto final_test = train::evaluate<SoftmaxCrossEntropy, 500>(*net, test);
    examples::fashion::report(*net, test, h, final_test.accuracy, curve.training_seconds);
    examples::fashion::plot_curves(opt, "fashion_cnn");

    examples::Checks check;
    if (opt.quick) {
        check.expect(final_test.accuracy > 0.6, examples::format("test accuracy %.2f%% > 60%% after 1 epoch on 2,700 images",
                                                                 100 * final_test.accuracy));
    } else {
        check.expect(final_test.accuracy >= 0.925,
                     examples::format("test accuracy %.2f%% >= 92.5%%", 100 * final_test.accuracy));
        check.expect(curve.training_seconds <= 300, examples::format("trained in %.1f s <= 300 s", curve.training_seconds));
    }
    torch_predictions(dir, check, opt.quick ? 1000 : 10000);
    if (h.epochs.size() > 1)
        check.expect(h.epochs.back().train.loss < h.epochs.front().train.loss, "the training loss decreased");
    check.expect(std::abs(final_test.accuracy - curve.accuracy[h.stopped_early ? h.best_epoch : h.epochs.size() - 1]) <
                     1e-12,
                 "the final network is the one whose test accuracy was reported last (or the best, when stopped early)");
    return check.exit_code();
}
