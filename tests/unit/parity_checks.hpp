#pragma once
// Shared by the PyTorch parity tests (io/parity.cpp for chains,
// net/parity_graphs.cpp for Residual, Concat and Add): a fixture written by
// tests/fixtures/make_fixtures.py's fixture() (float32 weights, references
// computed in float64) is loaded with load_safetensors into the matching
// ctnn type; the output, the loss, every parameter gradient and the input
// gradient must match, and so must the weights after the fixture's Adam steps.
//
// Error measure: norm-wise relative error ||ctnn - torch||₂ / ||torch||₂ per tensor.
// Tolerances: float networks 1e-5 (forward and gradients) and 1e-4 (after 20
// Adam steps, where float rounding in m/√v accumulates); double networks
// 1e-10. Set CTNN_PARITY_REPORT=1 to print the measured errors.
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

namespace parity_checks {
using namespace ctnn;

struct parity_result {
    double forward = 0, gradients = 0, adam = 0;
    double eval = 0;  ///< the inference forward against `eval_output`, where the fixture has one (norms)
};

/// ||a - ref|| / ||ref|| (or ||a|| when the reference is zero).
template <class T>
double rel_error(const T* a, const std::vector<double>& ref) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        num += (double(a[i]) - ref[i]) * (double(a[i]) - ref[i]);
        den += ref[i] * ref[i];
    }
    return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

inline std::vector<double> tensor(const io::safetensors_view& v, const std::string& name) {
    const io::tensor_entry* e = v.find(name);
    REQUIRE(e != nullptr);
    std::vector<double> out(e->size());
    v.read(*e, out.data());
    return out;
}

/// What runs before every forward of a fixture's network (the first one and
/// each Adam step): by default a stateful network starts from its initial
/// state (independent sequences, as torch sees them); a test passes its own
/// to set a given one (e.g. the fixture's h0).
struct reset_state {
    template <class Workspace>
    void operator()(const io::safetensors_view&, Workspace& ws) const {
        if constexpr (requires { ws.state.reset(); }) ws.state.reset();
    }
};

template <class T, class Net, std::size_t B, class Loss, class Prepare = reset_state>
parity_result run(const std::string& fixture, Prepare prepare = {}) {
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

    constexpr bool labels = std::is_same_v<Loss, SoftmaxCrossEntropy>;
    using Targets = std::conditional_t<labels, Labels<B>, typename Net::template output_batch<B>>;
    auto t = std::make_unique<Targets>();
    const std::vector<double> tv = tensor(file, labels ? "labels" : "target");
    REQUIRE(tv.size() == B * (labels ? 1 : Net::out_shape::size));
    for (std::size_t i = 0; i < tv.size(); ++i) {
        if constexpr (labels) (*t)[i] = std::int32_t(tv[i]);
        else t->data()[i] = T(tv[i]);
    }

    auto ws = std::make_unique<typename Net::template workspace<B>>();
    auto g = std::make_unique<typename Net::gradients>();
    parity_result r;
    if (file.find("eval_output") != nullptr) {  // inference: BatchNorm's running statistics
        prepare(file, *ws);
        net->forward(*x, *ws);
        r.eval = rel_error(ws->output().data(), tensor(file, "eval_output"));
    }
    prepare(file, *ws);
    net->template forward<true>(*x, *ws);
    const T loss = Loss::compute(ws->output(), *t, ws->output_grad());
    net->backward(*x, *ws, *g, dx.get());

    r.forward = rel_error(ws->output().data(), tensor(file, "output"));
    const double loss_ref = tensor(file, "loss")[0];
    r.forward = std::max(r.forward, std::abs(double(loss) - loss_ref) / std::abs(loss_ref));
    r.gradients = rel_error(dx->data(), tensor(file, "input_grad"));
    std::size_t grads = 0;
    Net::for_each_param_in(*g, [&](const std::string& name, const param_info& info, const T* p) {
        if (info.role == param_role::buffer) return;  // its slot holds the buffer's next value
        INFO(fixture << ": gradient of " << name);
        r.gradients = std::max(r.gradients, rel_error(p, tensor(file, "grad." + name)));
        ++grads;
    });
    CHECK(grads == std::size_t(std::count_if(file.tensors().begin(), file.tensors().end(),
                                             [](const auto& e) { return e.name.starts_with("grad."); })));

    if (file.metadata().contains("adam_steps")) {
        io::load_safetensors(*net, file, opt);
        optim::Adam<Net> adam(optim::adam_config<false>{.lr = std::stod(file.metadata().at("adam_lr"))});
        const int steps = std::stoi(file.metadata().at("adam_steps"));
        for (int s = 0; s < steps; ++s) {
            prepare(file, *ws);
            train::step<Loss>(*net, *ws, *g, adam, *x, *t);
        }
        std::size_t tensors = 0;
        std::as_const(*net).for_each_param([&](const std::string& name, const auto&, const T* p) {
            INFO(fixture << ": after Adam, " << name);
            r.adam = std::max(r.adam, rel_error(p, tensor(file, "adam." + name)));
            ++tensors;
        });
        CHECK(tensors == std::size_t(std::count_if(file.tensors().begin(), file.tensors().end(),
                                                   [](const auto& e) { return e.name.starts_with("adam."); })));
    }
    if (std::getenv("CTNN_PARITY_REPORT"))
        std::printf("parity %-22s %-6s forward %.2e  eval %.2e  gradients %.2e  adam %.2e\n", fixture.c_str(),
                    sizeof(T) == 4 ? "float" : "double", r.forward, r.eval, r.gradients, r.adam);
    return r;
}

/// Both element types against one fixture. Name `NetOf` uniquely in the test
/// program, even in an unnamed namespace: g++ 12 merges the instantiations of
/// two TUs' alias templates of the same name (conv1d_parity and conv2d_parity
/// each had a `PaddingNet`; at -O1, where this is not inlined, one ran the other's network).
template <template <class> class NetOf, std::size_t B, class Loss = MSE, class Prepare = reset_state>
void check_fixture(const std::string& fixture, Prepare prepare = {}) {
    INFO(fixture);
    const parity_result f = run<float, NetOf<float>, B, Loss>(fixture, prepare);
    CHECK(f.forward <= 1e-5);
    CHECK(f.eval <= 1e-5);
    CHECK(f.gradients <= 1e-5);
    CHECK(f.adam <= 1e-4);
    const parity_result d = run<double, NetOf<double>, B, Loss>(fixture, prepare);
    CHECK(d.forward <= 1e-10);
    CHECK(d.eval <= 1e-10);
    CHECK(d.gradients <= 1e-10);
    CHECK(d.adam <= 1e-10);
}

}  // namespace parity_checks
