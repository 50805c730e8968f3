#pragma once
// What the Fashion-MNIST examples (fashion_mnist.cpp, fashion_cnn.cpp, fashion_quantize.cpp)
// share: the data directory option, the class names, the per-epoch test
// line, the summary, the per-class accuracy and the loss/accuracy plot.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support.hpp"

namespace examples::fashion {

inline const char* const class_names[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

/// --data DIR, removed from argv before the shared options are parsed.
inline std::string take_data_dir(int& argc, char** argv) {
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

/// False (with a hint on stderr) when Debian's dataset-fashion-mnist is not in `dir`.
inline bool have_data(const std::string& dir) {
    const std::filesystem::path images = std::filesystem::path(dir) / "train-images-idx3-ubyte.gz";
    if (std::filesystem::exists(images)) return true;
    std::fprintf(stderr, "%s not found: install Debian's dataset-fashion-mnist (scripts/setup.sh does)\n",
                 images.c_str());
    return false;
}

/// The training ("train") or test ("t10k") images of `dir` with their labels.
template <class Images>
Images load(const std::string& dir, const char* kind) {
    return ctnn::train::load_idx<Images>(dir + "/" + kind + "-images-idx3-ubyte.gz",
                                         dir + "/" + kind + "-labels-idx1-ubyte.gz");
}

/// The training and test images of `dir`; with `--quick` only the first
/// `quick_train` and `quick_test` of them.
template <class Images>
std::pair<Images, Images> load_train_test(const std::string& dir, bool quick, std::size_t quick_train = 6000,
                                          std::size_t quick_test = 2000) {
    Images all = load<Images>(dir, "train"), test = load<Images>(dir, "t10k");
    if (quick) {
        all = ctnn::train::split_at(all, quick_train).first;
        test = ctnn::train::split_at(test, quick_test).first;
    }
    return {std::move(all), std::move(test)};
}

/// The class of the largest of 10 logits.
template <class Y>
std::size_t argmax(const Y& y) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < 10; ++c) best = y(c) > y(best) ? c : best;
    return best;
}

/// The class `net` predicts for sample `i` of `data` (one-sample forward: eval mode).
template <class Net, class Ds>
std::size_t predict(const Net& net, const Ds& data, std::size_t i) {
    typename Net::input_type x;
    std::copy(data.input(i), data.input(i) + Ds::sample_size, x.data());
    return argmax(net.forward(x));
}

/// The per-epoch test evaluation (`fit_options::on_epoch`): prints the test
/// accuracy and writes the epoch's row of `<name>.csv`.
template <class Net, class Ds>
struct test_curve {
    const Net& net;
    const Ds& test;
    Csv csv;
    std::vector<double> accuracy{};
    double training_seconds = 0;

    test_curve(const Options& opt, const std::string& name, const Net& n, const Ds& t)
        : net(n), test(t), csv(opt, name + ".csv", "epoch,train_loss,val_loss,test_loss,train_accuracy,test_accuracy") {}
    void operator()(const ctnn::train::epoch_stats& e) {
        const auto m = ctnn::train::evaluate<ctnn::SoftmaxCrossEntropy, 500>(net, test);
        training_seconds += e.seconds;
        accuracy.push_back(m.accuracy);
        std::printf("           test accuracy %.2f%%  (training time so far %.1f s)\n", 100 * m.accuracy,
                    training_seconds);
        csv.row(e.epoch + 1, e.train.loss, e.validation.loss, m.loss, e.train.accuracy, m.accuracy);
    }
};

/// Prints the run's summary line and the final network's accuracy per class.
template <class Net, class Ds>
void report(const Net& net, const Ds& test, const ctnn::train::history& h, double test_accuracy,
            double training_seconds) {
    double rate = 0;
    for (const auto& e : h.epochs) rate += e.samples_per_second / double(h.epochs.size());
    std::printf("\nbest epoch %zu (validation loss %.4f)%s; test accuracy %.2f%% after %.1f s of training, "
                "%.0f samples/s on average\n",
                h.best_epoch + 1, h.epochs[h.best_epoch].validation.loss, h.stopped_early ? ", stopped early" : "",
                100 * test_accuracy, training_seconds, rate);
    std::size_t hits[10] = {}, count[10] = {};
    for (std::size_t i = 0; i < test.size(); ++i) {
        ++count[test.label(i)];
        hits[test.label(i)] += predict(net, test, i) == std::size_t(test.label(i));
    }
    for (std::size_t c = 0; c < 10; ++c)
        std::printf("  %-12s %5.1f%%\n", class_names[c], count[c] ? 100.0 * double(hits[c]) / double(count[c]) : 0.0);
}

/// Loss and accuracy curves from `<name>.csv` (epoch, train/val/test loss, train/test accuracy) to `<name>.png`.
inline void plot_curves(const Options& opt, const std::string& name) {
    const std::string csv = "'" + name + ".csv'";
    plot(opt, name,
         "set multiplot layout 1,2\n"
         "set title 'loss (softmax cross-entropy)'\nset xlabel 'epoch'\nset key top right\n"
         "plot " + csv + " using 1:2 skip 1 with linespoints title 'training', "
         "'' using 1:3 skip 1 with linespoints title 'validation', "
         "'' using 1:4 skip 1 with linespoints title 'test'\n"
         "set title 'accuracy'\nset key bottom right\nset format y '%.0f%%'\n"
         "plot " + csv + " using 1:($5*100) skip 1 with linespoints title 'training', "
         "'' using 1:($6*100) skip 1 with linespoints title 'test'\n"
         "unset multiplot\n");
}

}  // namespace examples::fashion
