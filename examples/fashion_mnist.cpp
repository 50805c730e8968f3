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

#include "support.hpp"

using namespace ctnn;

namespace {
using Net = Sequential<Input<784>, Dense<256>, ReLU, Dense<128>, ReLU, Dense<10>>;
using Images = train::Dataset<float, Shape<784>>;
constexpr std::size_t batch = 64;

const char* const class_names[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

/// --data DIR, removed from argv before the shared options are parsed.
std::string take_data_dir(int& argc, char** argv) {
    std::string dir = "/usr/share/datasets/fashion-mnist";
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--data") == 0) {
            dir = argv[i + 1];
            for (int j = i; j + 2 <= argc; ++j) argv[j] = argv[j + 2];
            argc -= 2;
            break;
        }
    return dir;
}
}  // namespace

int main(int argc, char** argv) {
    const std::string dir = take_data_dir(argc, argv);
    const auto opt = examples::parse_options(argc, argv);
    simd::FlushDenormals ftz;

    const std::filesystem::path images = std::filesystem::path(dir) / "train-images-idx3-ubyte.gz";
    if (!std::filesystem::exists(images)) {
        std::fprintf(stderr, "%s not found: install Debian's dataset-fashion-mnist (scripts/setup.sh does)\n",
                     images.c_str());
        return 1;
    }
    const auto load = [&](const char* kind) {
        return train::load_idx<Images>(dir + "/" + kind + "-images-idx3-ubyte.gz",
                                       dir + "/" + kind + "-labels-idx1-ubyte.gz");
    };
    Images all = load("train"), test = load("t10k");
    if (opt.quick) {
        all = train::split_at(all, 6000).first;
        test = train::split_at(test, 2000).first;
    }
    auto [training, validation] = train::split(all, opt.quick ? 0.1 : 5000.0 / 60000.0, 7);
    std::printf("Fashion-MNIST: %zu training, %zu validation, %zu test images\n", training.size(),
                validation.size(), test.size());
    Net::summary(std::cout);

    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    auto adam = std::make_unique<optim::Adam<Net>>(optim::adam_config<false>{.lr = 1e-3});

    const std::size_t epochs = opt.quick ? 3 : 20;
    examples::Csv csv(opt, "fashion_mnist.csv", "epoch,train_loss,val_loss,test_loss,train_accuracy,test_accuracy");
    std::vector<double> test_accuracy;
    double training_seconds = 0;
    train::fit_options o;
    o.epochs = epochs;
    o.seed = 1;
    o.patience = 5;
    o.schedule = optim::cosine_lr{.t_max = epochs};
    o.out = &std::cout;
    o.on_epoch = [&](const train::epoch_stats& e) {
        const auto t = train::evaluate<SoftmaxCrossEntropy, 500>(*net, test);
        training_seconds += e.seconds;
        test_accuracy.push_back(t.accuracy);
        std::printf("           test accuracy %.2f%%  (training time so far %.1f s)\n", 100 * t.accuracy,
                    training_seconds);
        csv.row(e.epoch + 1, e.train.loss, e.validation.loss, t.loss, e.train.accuracy, t.accuracy);
    };
    const train::history h = train::fit<SoftmaxCrossEntropy, batch>(*net, *adam, training, &validation, o);
    csv.close();

    const auto final_test = train::evaluate<SoftmaxCrossEntropy, 500>(*net, test);
    double rate = 0;
    for (const auto& e : h.epochs) rate += e.samples_per_second / double(h.epochs.size());
    std::printf("\nbest epoch %zu (validation loss %.4f)%s; test accuracy %.2f%% after %.1f s of training, "
                "%.0f samples/s on average\n",
                h.best_epoch + 1, h.epochs[h.best_epoch].validation.loss,
                h.stopped_early ? ", stopped early" : "", 100 * final_test.accuracy, training_seconds, rate);

    // per-class accuracy of the final network
    std::size_t hits[10] = {}, count[10] = {};
    for (std::size_t i = 0; i < test.size(); ++i) {
        Tensor<float, 784> x;
        std::copy(test.input(i), test.input(i) + 784, x.data());
        const auto y = net->forward(x);
        std::size_t best = 0;
        for (std::size_t c = 1; c < 10; ++c) best = y(c) > y(best) ? c : best;
        ++count[test.label(i)];
        hits[test.label(i)] += best == std::size_t(test.label(i));
    }
    for (std::size_t c = 0; c < 10; ++c)
        std::printf("  %-12s %5.1f%%\n", class_names[c], count[c] ? 100.0 * double(hits[c]) / double(count[c]) : 0.0);

    examples::plot(opt, "fashion_mnist",
                   "set multiplot layout 1,2\n"
                   "set title 'loss (softmax cross-entropy)'\nset xlabel 'epoch'\nset key top right\n"
                   "plot 'fashion_mnist.csv' using 1:2 skip 1 with linespoints title 'training', "
                   "'' using 1:3 skip 1 with linespoints title 'validation', "
                   "'' using 1:4 skip 1 with linespoints title 'test'\n"
                   "set title 'accuracy'\nset key bottom right\nset format y '%.0f%%'\n"
                   "plot 'fashion_mnist.csv' using 1:($5*100) skip 1 with linespoints title 'training', "
                   "'' using 1:($6*100) skip 1 with linespoints title 'test'\n"
                   "unset multiplot\n");

    examples::Checks check;
    if (opt.quick) {
        check.expect(final_test.accuracy > 0.72, examples::format("test accuracy %.2f%% > 72%% after 3 epochs on 5,400 images",
                                                                 100 * final_test.accuracy));
    } else {
        check.expect(final_test.accuracy >= 0.885,
                     examples::format("test accuracy %.2f%% >= 88.5%%", 100 * final_test.accuracy));
        check.expect(training_seconds <= 60, examples::format("trained in %.1f s <= 60 s", training_seconds));
    }
    check.expect(h.epochs.back().train.loss < h.epochs.front().train.loss, "the training loss decreased");
    check.expect(std::abs(final_test.accuracy - test_accuracy[h.stopped_early ? h.best_epoch : h.epochs.size() - 1]) <
                     1e-12,
                 "the final network is the one whose test accuracy was reported last (or the best, when stopped early)");
    return check.exit_code();
}
