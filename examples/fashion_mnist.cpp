// Fashion-MNIST with an MLP: the project's flagship demo.
//
//   784 -> 256 ReLU -> 128 ReLU -> 10, softmax cross-entropy, Adam (1e-3)
//   with a cosine schedule over 20 epochs, batches of 64, 5,000 training
//   images held out for validation (early stopping, patience 5).
//
// Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/,
// gzipped IDX files), read with train::load_idx. The loop is train::fit: a
// progress line on a terminal, one line per epoch otherwise; after each epoch
// the test set is evaluated. Writes fashion_mnist.csv (loss and accuracy
// curves) and fashion_mnist.png (gnuplot).
//
// Options: --quick (3 epochs on 6,000 images: the test suite's mode),
// --out DIR, --data DIR (default /usr/share/datasets/fashion-mnist).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "fashion_support.hpp"

using namespace ctnn;

namespace {
using Net = Sequential<Input<784>, Dense<256>, ReLU, Dense<128>, ReLU, Dense<10>>;
using Images = train::Dataset<float, Shape<784>>;
constexpr std::size_t batch = 64;

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = examples::fashion::take_data_dir(argc, argv);
    const auto opt = examples::parse_options(argc, argv);
    simd::FlushDenormals ftz;

    if (!examples::fashion::have_data(dir)) return 1;
    auto [all, test] = examples::fashion::load_train_test<Images>(dir, opt.quick);
    auto [training, validation] = train::split(all, opt.quick ? 0.1 : 5000.0 / 60000.0, 7);
    std::printf("Fashion-MNIST: %zu training, %zu validation, %zu test images\n", training.size(),
                validation.size(), test.size());
    Net::summary(std::cout);

    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    auto adam = std::make_unique<optim::Adam<Net>>(optim::adam_config<false>{.lr = 1e-3});

    const std::size_t epochs = opt.quick ? 3 : 20;
    examples::fashion::test_curve curve(opt, "fashion_mnist", *net, test);
    train::fit_options o;
    o.epochs = epochs;
    o.seed = 1;
    o.patience = 5;
    o.schedule = optim::cosine_lr{.t_max = epochs};
    o.out = &std::cout;
    o.on_epoch = std::ref(curve);
    const train::history h = train::fit<SoftmaxCrossEntropy, batch>(*net, *adam, training, &validation, o);
    curve.csv.close();

    const auto final_test = train::evaluate<SoftmaxCrossEntropy, 500>(*net, test);
    examples::fashion::report(*net, test, h, final_test.accuracy, curve.training_seconds);
    examples::fashion::plot_curves(opt, "fashion_mnist");

    examples::Checks check;
    if (opt.quick) {
        check.expect(final_test.accuracy > 0.72, examples::format("test accuracy %.2f%% > 72%% after 3 epochs on 5,400 images",
                                                                 100 * final_test.accuracy));
    } else {
        check.expect(final_test.accuracy >= 0.885,
                     examples::format("test accuracy %.2f%% >= 88.5%%", 100 * final_test.accuracy));
        check.expect(curve.training_seconds <= 60, examples::format("trained in %.1f s <= 60 s", curve.training_seconds));
    }
    check.expect(h.epochs.back().train.loss < h.epochs.front().train.loss, "the training loss decreased");
    check.expect(std::abs(final_test.accuracy - curve.accuracy[h.stopped_early ? h.best_epoch : h.epochs.size() - 1]) <
                     1e-12,
                 "the final network is the one whose test accuracy was reported last (or the best, when stopped early)");
    return check.exit_code();
}
