// The training step and the training loop: equal to their parts, partial
// batches, bitwise reproducibility, learning, early stopping, the CSV loss
// curve, the progress output, errors that leave the network untouched, and
// checkpoints every N batches resumed bitwise (after an exception, after SIGKILL).
#include <catch2/catch.hpp>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/fit.hpp>

using namespace ctnn;

namespace {
using Net = Sequential<Input<2>, Dense<16>, Tanh, Dropout<0.1f>, Dense<3>>;
using Blobs = train::Dataset<float, Shape<2>>;

/// Three Gaussian blobs in the plane, one per class.
Blobs blobs(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    Blobs ds;
    const float cx[3] = {-2, 2, 0}, cy[3] = {0, 0, 2.5f};
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = std::int32_t(rng.below(3));
        const float x[2] = {cx[c] + float(rng.normal()) * 0.7f, cy[c] + float(rng.normal()) * 0.7f};
        ds.push_back(x, c);
    }
    return ds;
}

std::unique_ptr<Net> fresh_net(std::uint64_t seed = 5) {
    auto net = std::make_unique<Net>();
    init::xavier_uniform(*net, seed);
    return net;
}

train::fit_options quiet(std::size_t epochs, std::uint64_t seed) {
    train::fit_options o;
    o.epochs = epochs;
    o.seed = seed;
    o.progress = train::progress_mode::silent;
    return o;
}

bool same_params(const Net& a, const Net& b) {
    for (std::size_t i = 0; i < Net::param_storage; ++i)
        if (a.params()[i] != b.params()[i]) return false;
    return true;
}
}  // namespace

TEST_CASE("train::step is forward, loss, backward and the update, bit for bit", "[train]") {
    using Small = Sequential<Input<4>, Dense<5>, Sigmoid, Dense<2>>;
    Small a, b;
    init::xavier_uniform(a, 1);
    init::xavier_uniform(b, 1);
    Small::input_batch<8> x;
    Tensor<float, 8, 2> y;
    Rng rng(2);
    for (auto& v : x) v = float(rng.normal());
    for (auto& v : y) v = float(rng.normal());
    Small::workspace<8> wa, wb;
    Small::gradients ga, gb;
    optim::Momentum<Small> oa({.lr = 0.05}), ob({.lr = 0.05});
    for (int i = 0; i < 5; ++i) {
        const float la = train::step<MSE>(a, wa, ga, oa, x, y);
        b.forward<true>(x, wb);
        const float lb = MSE::compute(wb.output(), y, wb.output_grad());
        b.backward(x, wb, gb);
        ob.step(b, gb);
        CHECK(la == lb);
    }
    for (std::size_t i = 0; i < Small::param_storage; ++i) REQUIRE(a.params()[i] == b.params()[i]);
}

TEST_CASE("A partial batch trains on its first rows only", "[train]") {
    using Small = Sequential<Input<3>, Dense<4>, ReLU, Dense<3>>;
    Small net;
    init::he_uniform(net, 3);
    Small::input_batch<8> x8;
    Small::input_batch<5> x5;
    Labels<8> l8{};
    Labels<5> l5{};
    Rng rng(4);
    for (std::size_t r = 0; r < 8; ++r) {
        for (std::size_t j = 0; j < 3; ++j) x8(r, j) = float(rng.normal()) * (r < 5 ? 1.0f : 100.0f);
        l8[r] = std::int32_t(rng.below(3));
        if (r < 5) {
            for (std::size_t j = 0; j < 3; ++j) x5(r, j) = x8(r, j);
            l5[r] = l8[r];
        }
    }
    auto w8 = std::make_unique<Small::workspace<8>>();
    auto w5 = std::make_unique<Small::workspace<5>>();
    Small::gradients g8, g5;
    const float loss8 = train::gradients<SoftmaxCrossEntropy>(net, *w8, g8, x8, l8, 5);
    const float loss5 = train::gradients<SoftmaxCrossEntropy>(net, *w5, g5, x5, l5);
    CHECK(loss8 == Approx(loss5).epsilon(1e-6));
    for (std::size_t i = 0; i < Small::param_storage; ++i)
        REQUIRE(g8.data[i] == Approx(g5.data[i]).epsilon(1e-5).margin(1e-7));
}

TEST_CASE("fit learns three blobs and evaluate measures it", "[train]") {
    const Blobs train_set = blobs(600, 1), val = blobs(300, 2);
    auto net = fresh_net();
    const auto before = train::evaluate<SoftmaxCrossEntropy, 32>(*net, val);
    auto adam = std::make_unique<optim::Adam<Net>>(optim::adam_config<false>{.lr = 0.01});
    const train::history h = train::fit<SoftmaxCrossEntropy, 32>(*net, *adam, train_set, &val, quiet(15, 7));
    REQUIRE(h.epochs.size() == 15);
    const auto after = train::evaluate<SoftmaxCrossEntropy, 32>(*net, val);
    INFO("validation before: loss " << before.loss << " acc " << before.accuracy << "; after: loss " << after.loss
                                    << " acc " << after.accuracy);
    CHECK(after.accuracy > 0.93);  // the blobs overlap a little: ~96% is the best possible
    CHECK(after.loss < before.loss / 3);
    CHECK(h.epochs.back().validation.loss == Approx(after.loss).epsilon(1e-6));
    CHECK(h.epochs.back().train.loss < h.epochs.front().train.loss);
    // 600 samples in batches of 32: 18 full and a last partial batch of 24, kept
    CHECK(adam->steps() == 15 * 19);
}

TEST_CASE("fit drops the last partial batch only when asked", "[train]") {
    const Blobs train_set = blobs(100, 1);
    auto net = fresh_net();
    optim::SGD<Net> sgd({.lr = 0.1});
    auto o = quiet(2, 1);
    o.drop_last = true;
    train::fit<SoftmaxCrossEntropy, 32>(*net, sgd, train_set, nullptr, o);
    CHECK(sgd.steps() == 2 * 3);
}

TEST_CASE("The same seed and data give bitwise the same trained weights", "[train]") {
    const Blobs train_set = blobs(300, 3);
    auto run = [&](std::uint64_t seed) {
        auto net = fresh_net();
        auto adam = std::make_unique<optim::Adam<Net>>();
        train::fit<SoftmaxCrossEntropy, 16>(*net, *adam, train_set, nullptr, quiet(3, seed));
        return net;
    };
    const auto a = run(11), b = run(11), c = run(12);
    CHECK(same_params(*a, *b));
    CHECK_FALSE(same_params(*a, *c));  // another shuffle and other dropout masks
}

TEST_CASE("Early stopping ends when the validation loss stops improving and restores the best weights", "[train]") {
    const Blobs train_set = blobs(200, 4), val = blobs(200, 5);
    auto net = fresh_net();
    optim::SGD<Net> sgd({.lr = 0.05});
    auto o = quiet(30, 2);
    o.patience = 2;
    // the rate grows tenfold each epoch: the loss soon stops improving
    o.schedule = [](std::size_t epoch, double base) { return base * std::pow(10.0, double(epoch)); };
    const train::history h = train::fit<SoftmaxCrossEntropy, 20>(*net, sgd, train_set, &val, o);
    CHECK(h.stopped_early);
    REQUIRE(h.epochs.size() < 30);
    CHECK(h.epochs.size() == h.best_epoch + 1 + 2);
    for (const auto& e : h.epochs) CHECK(e.validation.loss >= h.epochs[h.best_epoch].validation.loss);
    const auto now = train::evaluate<SoftmaxCrossEntropy, 20>(*net, val);
    CHECK(now.loss == Approx(h.epochs[h.best_epoch].validation.loss).epsilon(1e-6));
    CHECK(h.epochs[1].lr == Approx(0.5));
}

TEST_CASE("fit writes the loss curve as CSV and one progress line per epoch off a terminal", "[train]") {
    const auto path = std::filesystem::temp_directory_path() / "ctnn_fit_curve.csv";
    const Blobs train_set = blobs(64, 6), val = blobs(32, 7);
    auto net = fresh_net();
    optim::Adam<Net> adam;
    std::ostringstream log;
    train::fit_options o;
    o.epochs = 4;
    o.out = &log;
    o.csv = path.string();
    const train::history h = train::fit<SoftmaxCrossEntropy, 16>(*net, adam, train_set, &val, o);
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    CHECK(line == "epoch,lr,train_loss,train_accuracy,val_loss,val_accuracy,seconds,samples_per_second");
    int rows = 0;
    while (std::getline(in, line)) {
        ++rows;
        CHECK(line.rfind(std::to_string(rows) + ",0.001,", 0) == 0);
        double loss = std::stod(line.substr(line.find(',', line.find(',') + 1) + 1));
        CHECK(loss == Approx(h.epochs[std::size_t(rows - 1)].train.loss).epsilon(1e-6));
    }
    CHECK(rows == 4);
    const std::string text = log.str();
    CHECK(std::count(text.begin(), text.end(), '\n') == 4);
    CHECK(text.find('\r') == std::string::npos);
    CHECK(text.find("epoch 4/4  train loss ") != std::string::npos);
    CHECK(text.find(" val loss ") != std::string::npos);
    std::filesystem::remove(path);
}

TEST_CASE("fit refuses an empty training set or an unwritable loss file and leaves the network as it was", "[train]") {
    auto net = fresh_net();
    const auto before = *net;
    optim::Adam<Net> adam;
    auto o = quiet(2, 1);
    CHECK_THROWS_WITH((train::fit<SoftmaxCrossEntropy, 8>(*net, adam, Blobs{}, nullptr, o)),
                      Catch::Contains("ctnn: fit: the training set is empty"));
    o.csv = "/nonexistent-dir/curve.csv";
    CHECK_THROWS_WITH((train::fit<SoftmaxCrossEntropy, 8>(*net, adam, blobs(16, 1), nullptr, o)),
                      Catch::Contains("/nonexistent-dir/curve.csv: cannot open"));
    CHECK(same_params(*net, before));
    CHECK(adam.steps() == 0);
}

TEST_CASE("A run resumed from its state gives bitwise the weights of training straight through", "[train]") {
    const Blobs train_set = blobs(150, 8), val = blobs(60, 9);
    auto o = quiet(6, 3);
    o.patience = 10;  // keeps a copy of the best weights, part of the state
    o.schedule = optim::cosine_lr{.t_max = 6};
    // straight through: 6 epochs
    auto a = fresh_net();
    auto adam_a = std::make_unique<optim::Adam<Net>>();
    train::fit<SoftmaxCrossEntropy, 16>(*a, *adam_a, train_set, &val, o);
    // 4 epochs, then a "new process": a fresh network, optimizer and state
    // restored from copies (what a checkpoint holds), then to 6
    auto b = fresh_net();
    auto adam_b = std::make_unique<optim::Adam<Net>>();
    train::run_state<float> state;
    auto first = o;
    first.epochs = 4;
    train::fit<SoftmaxCrossEntropy, 16>(*b, *adam_b, train_set, &val, first, &state);
    CHECK(state.epoch == 4);
    CHECK(adam_b->steps() == 4 * 10);
    auto c = fresh_net(99);
    std::copy(b->params(), b->params() + Net::param_storage, c->params());
    auto adam_c = std::make_unique<optim::Adam<Net>>(*adam_b);
    train::run_state<float> resumed;
    resumed.best = state.best;
    resumed.from_map(state.to_map());
    CHECK(resumed.best_value == state.best_value);  // %a text: exact
    const auto h = train::fit<SoftmaxCrossEntropy, 16>(*c, *adam_c, train_set, &val, o, &resumed);
    CHECK(h.epochs.size() == 2);
    CHECK(h.epochs.front().epoch == 4);
    CHECK(resumed.epoch == 6);
    CHECK(same_params(*a, *c));
    CHECK(adam_c->steps() == adam_a->steps());
}

TEST_CASE("A run state refuses malformed text and stays as it was", "[train]") {
    train::run_state<float> s;
    s.epoch = 3;
    auto m = s.to_map();
    m["run.sampler_rng"] = "1 2 3";
    CHECK_THROWS_WITH(s.from_map(m), Catch::Contains("'run.sampler_rng' needs four numbers"));
    m.erase("run.epoch");
    CHECK_THROWS_WITH(s.from_map(m), Catch::Contains("missing 'run.epoch'"));
    CHECK(s.epoch == 3);
}

namespace {
std::string temp_file(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("ctnn_fit_" + std::to_string(::getpid()) + "_" + name)).string();
}

/// 5 epochs of 10 batches, with dropout, a schedule and early stopping's copy of the best weights.
train::fit_options resumable() {
    auto o = quiet(5, 3);
    o.patience = 10;
    o.schedule = optim::cosine_lr{.t_max = 5};
    return o;
}

struct straight_run {
    std::unique_ptr<Net> net = fresh_net();
    std::unique_ptr<optim::Adam<Net>> adam = std::make_unique<optim::Adam<Net>>();
    train::history h;
    straight_run(const Blobs& d, const Blobs& v) { h = train::fit<SoftmaxCrossEntropy, 16>(*net, *adam, d, &v, resumable()); }
};

/// Resumes from `path` with a network and optimizer that hold other values, and checks the result
/// against the straight run bit for bit.
void resume_and_compare(const std::string& path, const Blobs& d, const Blobs& v, const straight_run& s,
                        const std::string& csv = "") {
    auto net = fresh_net(99);
    auto adam = std::make_unique<optim::Adam<Net>>();
    auto o = resumable();
    o.csv = csv;
    const auto h = train::fit<SoftmaxCrossEntropy, 16>(*net, *adam, d, &v, o, {.path = path, .resume = true});
    CHECK(same_params(*net, *s.net));
    CHECK(adam->steps() == s.adam->steps());
    CHECK(std::equal(adam->state(0), adam->state(0) + Net::param_storage, s.adam->state(0)));
    REQUIRE(!h.epochs.empty());
    // the resumed epoch's training loss too: the running mean is part of the state
    CHECK(h.epochs.front().train.loss == s.h.epochs[h.epochs.front().epoch].train.loss);
    CHECK(h.epochs.back().validation.loss == s.h.epochs.back().validation.loss);
}
}  // namespace

TEST_CASE("fit checkpoints every N batches, and a run stopped mid-epoch resumes bitwise", "[train][checkpoint]") {
    const Blobs d = blobs(150, 8), v = blobs(60, 9);
    const straight_run s(d, v);
    const std::string path = temp_file("mid.ckpt"), csv = temp_file("mid.csv");
    std::filesystem::remove(path);
    {  // stopped by an exception at epoch 2, batch 7: the last checkpoint is after batch 6 (27 batches, every 3)
        auto net = fresh_net();
        auto adam = std::make_unique<optim::Adam<Net>>();
        auto o = resumable();
        o.csv = csv;
        o.on_batch = [](std::size_t epoch, std::size_t batch) {
            if (epoch == 2 && batch == 7) throw std::runtime_error("stopped");
        };
        // resume with no file yet: a fresh run
        CHECK_THROWS_WITH((train::fit<SoftmaxCrossEntropy, 16>(*net, *adam, d, &v, o, {.path = path, .every = 3, .resume = true})),
                          "stopped");
    }
    {
        auto net = fresh_net();
        auto adam = std::make_unique<optim::Adam<Net>>();
        const auto run = io::load_checkpoint(*net, *adam, path);
        CHECK(run.at("run.epoch") == "2");
        CHECK(run.at("run.batch") == "7");
        CHECK(adam->steps() == 27);
    }
    resume_and_compare(path, d, v, s, csv);
    // the loss curve goes on where the stopped run left it: a header and one row per epoch
    std::ifstream in(csv);
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line)) lines.push_back(line);
    REQUIRE(lines.size() == 6);
    CHECK(lines[0].starts_with("epoch,"));
    for (std::size_t e = 1; e <= 5; ++e) CHECK(lines[e].starts_with(std::to_string(e) + ","));
    std::filesystem::remove(path);
    std::filesystem::remove(csv);
}

TEST_CASE("A run killed with SIGKILL mid-epoch resumes from its last checkpoint bitwise", "[train][checkpoint]") {
    const Blobs d = blobs(150, 8), v = blobs(60, 9);
    const straight_run s(d, v);
    const std::string path = temp_file("killed.ckpt");
    std::filesystem::remove(path);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {  // trains, checkpointing every 4 batches (of the run: 10 an epoch), until it kills itself
                       // after batch 7 of epoch 3 (0-based): its 38th, two after the last checkpoint
        auto net = fresh_net();
        auto adam = std::make_unique<optim::Adam<Net>>();
        auto o = resumable();
        o.on_batch = [](std::size_t epoch, std::size_t batch) {
            if (epoch == 3 && batch == 7) ::raise(SIGKILL);
        };
        train::fit<SoftmaxCrossEntropy, 16>(*net, *adam, d, &v, o, {.path = path, .every = 4});
        ::_exit(3);  // not reached
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    {  // the last checkpoint is mid-epoch, after the run's 36th batch: epoch 3 with 6 batches done (the
       // two batches after it are lost and done again on resume)
        auto net = fresh_net();
        auto adam = std::make_unique<optim::Adam<Net>>();
        const auto run = io::load_checkpoint(*net, *adam, path);
        CHECK(run.at("run.epoch") == "3");
        CHECK(run.at("run.batch") == "6");
        CHECK(adam->steps() == 3 * 10 + 6);
    }
    resume_and_compare(path, d, v, s);
    std::filesystem::remove(path);
}

TEST_CASE("fit refuses a corrupted checkpoint to resume from and changes nothing", "[train][checkpoint]") {
    const std::string path = temp_file("bad.ckpt");
    std::ofstream(path, std::ios::binary) << "PK\x03\x04 not a checkpoint";
    auto net = fresh_net();
    const Net before = *net;
    optim::Adam<Net> adam;
    CHECK_THROWS_WITH((train::fit<SoftmaxCrossEntropy, 8>(*net, adam, blobs(16, 1), nullptr, quiet(1, 1),
                                                          {.path = path, .resume = true})),
                      Catch::Contains(path + ": not a safetensors file: it is a zip archive"));
    CHECK(same_params(*net, before));
    CHECK(adam.steps() == 0);
    std::filesystem::remove(path);
}
