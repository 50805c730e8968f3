// PyTorch parity of LayerNorm, BatchNorm1D/2D, Embedding and the pooling
// layers (tests/fixtures/make_norm_pool_fixtures.py), in float and double:
// the training-mode output (batch statistics) and the eval-mode output
// (running statistics), the loss, every parameter gradient, the input
// gradient, and the whole state_dict (running statistics and
// num_batches_tracked too) after 20 Adam steps in training mode. The file's
// num_batches_tracked is I64, as PyTorch writes it.
// Error measure and tolerances as ../parity_checks.hpp (float 1e-5, Adam
// 1e-4; double 1e-10). Set CTNN_PARITY_REPORT=1 to print the errors.
//
// Measured (g++ 12 and clang++ 14, -O1 -march=native, AVX-512), the largest
// relative L2 error of a tensor over the eleven fixtures:
//   float   forward 2.2e-7, eval 1.5e-7, gradients 1.8e-6 (Embedding's
//           scattered sums; the others ≤ 6.3e-7), after 20 Adam steps 5.2e-7
//   double  forward 5.0e-16, eval 4.0e-16, gradients 2.7e-15, after 20 Adam steps 8.8e-16
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/step.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;
using parity_checks::rel_error;
using parity_checks::tensor;

namespace {

struct result {
    double forward = 0, eval = 0, gradients = 0, adam = 0;
};

template <class T, class Net, std::size_t B>
result run(const std::string& fixture) {
    const std::string path = ctnn_test::fixtures_dir() + "/" + fixture + ".safetensors";
    const std::vector<std::uint8_t> bytes = io::read_file(path);
    const auto file = io::safetensors_view::parse(bytes, path);
    const io::load_options opt{.prefix = "model.", .allow_unexpected = true};

    auto net = std::make_unique<Net>();
    io::load_safetensors(*net, file, opt);
    auto x = std::make_unique<typename Net::template input_batch<B>>();
    auto dx = std::make_unique<typename Net::template input_batch<B>>();
    const io::tensor_entry* xe = file.find("input");
    REQUIRE(xe != nullptr);
    REQUIRE(xe->size() == x->size);
    file.read(*xe, x->data());
    auto t = std::make_unique<typename Net::template output_batch<B>>();
    const std::vector<double> tv = tensor(file, "target");
    REQUIRE(tv.size() == t->size);
    for (std::size_t i = 0; i < tv.size(); ++i) t->data()[i] = T(tv[i]);

    auto ws = std::make_unique<typename Net::template workspace<B>>();
    auto g = std::make_unique<typename Net::gradients>();
    result r;
    net->forward(*x, *ws);  // inference: running statistics
    r.eval = rel_error(ws->output().data(), tensor(file, "eval_output"));
    net->template forward<true>(*x, *ws);
    const T loss = MSE::compute(ws->output(), *t, ws->output_grad());
    net->backward(*x, *ws, *g, dx.get());
    r.forward = rel_error(ws->output().data(), tensor(file, "output"));
    r.forward = std::max(r.forward, std::abs(double(loss) - tensor(file, "loss")[0]) / tensor(file, "loss")[0]);
    r.gradients = rel_error(dx->data(), tensor(file, "input_grad"));
    std::size_t grads = 0;
    Net::for_each_param_in(*g, [&](const std::string& name, const param_info& info, const T* p) {
        if (info.role == param_role::buffer) return;
        INFO(fixture << ": gradient of " << name);
        r.gradients = std::max(r.gradients, rel_error(p, tensor(file, "grad." + name)));
        ++grads;
    });
    CHECK(grads == std::size_t(std::count_if(file.tensors().begin(), file.tensors().end(),
                                             [](const auto& e) { return e.name.starts_with("grad."); })));

    io::load_safetensors(*net, file, opt);
    optim::Adam<Net> adam(optim::adam_config<false>{.lr = std::stod(file.metadata().at("adam_lr"))});
    const int steps = std::stoi(file.metadata().at("adam_steps"));
    for (int s = 0; s < steps; ++s) train::step<MSE>(*net, *ws, *g, adam, *x, *t);
    std::size_t tensors = 0;
    std::as_const(*net).for_each_param([&](const std::string& name, const param_info&, const T* p) {
        INFO(fixture << ": after Adam, " << name);
        r.adam = std::max(r.adam, rel_error(p, tensor(file, "adam." + name)));
        ++tensors;
    });
    CHECK(tensors == std::size_t(std::count_if(file.tensors().begin(), file.tensors().end(),
                                               [](const auto& e) { return e.name.starts_with("adam."); })));
    if (std::getenv("CTNN_PARITY_REPORT"))
        std::printf("parity %-22s %-6s forward %.2e  eval %.2e  gradients %.2e  adam %.2e\n", fixture.c_str(),
                    sizeof(T) == 4 ? "float" : "double", r.forward, r.eval, r.gradients, r.adam);
    return r;
}

template <template <class> class NetOf, std::size_t B = 5>
void check_fixture(const std::string& fixture) {
    INFO(fixture);
    const result f = run<float, NetOf<float>, B>(fixture);
    CHECK(f.forward <= 1e-5);
    CHECK(f.eval <= 1e-5);
    CHECK(f.gradients <= 1e-5);
    CHECK(f.adam <= 1e-4);
    const result d = run<double, NetOf<double>, B>(fixture);
    CHECK(d.forward <= 1e-10);
    CHECK(d.eval <= 1e-10);
    CHECK(d.gradients <= 1e-10);
    CHECK(d.adam <= 1e-10);
}

template <class T>
using LayerNormFlat = BasicSequential<T, Input<7>, Dense<13>, LayerNorm<>, Tanh, Dense<3>>;
template <class T>
using LayerNormSeq = BasicSequential<T, Input<3, 37>, LayerNorm<>, Flatten, Dense<4>>;
template <class T>
using LayerNorm2 = BasicSequential<T, Input<3, 37>, LayerNorm<2>, Flatten, Dense<4>>;
template <class T>
using BatchNormFlat = BasicSequential<T, Input<7>, Dense<13, false>, BatchNorm1D, ReLU, Dense<3>>;
template <class T>
using BatchNormSeq = BasicSequential<T, Input<3, 37>, BatchNorm1D, Tanh, Flatten, Dense<4>>;
template <class T>
using BatchNorm2 = BasicSequential<T, Input<3, 9, 11>, BatchNorm2D, ReLU, Flatten, Dense<4>>;
template <class T>
using Pool1 = BasicSequential<T, Input<3, 37>, MaxPool1D<3, 2, 1>, AvgPool1D<4, 3, 2>, Flatten, Dense<4>>;
template <class T>
using Pool2 = BasicSequential<T, Input<3, 9, 11>, BatchNorm2D, MaxPool2D<3, 2, 2, 2, 1, 1>, AvgPool2D<2, 3, 1, 2, 1, 1>,
                              Flatten, Dense<4>>;
template <class T>
using PoolGlobal = BasicSequential<T, Input<3, 9, 11>, AvgPool2D<3, 3, 2, 2>, GlobalAvgPool, Dense<4>>;
template <class T>
using PoolGlobal1 = BasicSequential<T, Input<3, 37>, GlobalAvgPool, Dense<2>>;
template <class T>
using Embed = BasicSequential<T, Input<6>, Embedding<11, 5>, Flatten, Dense<3>>;

}  // namespace

TEST_CASE("PyTorch parity: LayerNorm", "[layers][norm][parity]") {
    check_fixture<LayerNormFlat>("norm_layernorm_flat");
    check_fixture<LayerNormSeq>("norm_layernorm_seq");
    check_fixture<LayerNorm2>("norm_layernorm_2d");
}

TEST_CASE("PyTorch parity: BatchNorm1D and BatchNorm2D, training and eval, running statistics", "[layers][norm][parity]") {
    check_fixture<BatchNormFlat>("norm_batchnorm1d_flat");
    check_fixture<BatchNormSeq>("norm_batchnorm1d_seq");
    check_fixture<BatchNorm2>("norm_batchnorm2d");
}

TEST_CASE("PyTorch parity: pooling", "[layers][pool][parity]") {
    check_fixture<Pool1>("pool_1d");
    check_fixture<Pool2>("pool_2d");
    check_fixture<PoolGlobal>("pool_global");
    check_fixture<PoolGlobal1>("pool_global_1d");
}

TEST_CASE("PyTorch parity: Embedding", "[layers][embedding][parity]") {
    check_fixture<Embed>("embedding");
}
