// ExprLayer (layers/expr_layer.hpp): Dense + Tanh written as an expression
// gives the built-in Sequential<..., Dense<N>, Tanh>'s outputs and gradients
// (same parameter names, so the same tensors load into both), in float and
// double at odd sizes and batches 1 and 5; its gradients match finite
// differences in double; its passes allocate nothing; the parameter table,
// shapes and saved area are what the expression says.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include <ctnn/net.hpp>

#include "../alloc_count.hpp"
#include "../net/net_checks.hpp"
#include "expr_layer_specs.hpp"

using namespace ctnn;
using expr_layer_specs::DenseTanh;

namespace {

template <class T>
using Expr = BasicSequential<T, Input<11>, ExprLayer<DenseTanh<7>>>;
template <class T>
using Builtin = BasicSequential<T, Input<11>, Dense<7>, Tanh>;

template <class T>
double rel(const T* a, const T* b, std::size_t n) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < n; ++i) {
        num += (double(a[i]) - double(b[i])) * (double(a[i]) - double(b[i]));
        den += double(b[i]) * double(b[i]);
    }
    return std::sqrt(num / den);
}

/// The ExprLayer network against the built-in one on a batch of `B`, same weights.
template <class T, std::size_t B>
void against_builtin(double tol) {
    using E = Expr<T>;
    using D = Builtin<T>;
    auto e = std::make_unique<E>();
    auto d = std::make_unique<D>();
    init::torch_default(*d, 3);
    STATIC_REQUIRE(E::param_storage == D::param_storage);
    for (std::size_t i = 0; i < E::param_storage; ++i) e->params()[i] = d->params()[i];  // same layout, same names
    auto x = std::make_unique<typename E::template input_batch<B>>();
    net_checks::fill(*x, 4);
    auto we = std::make_unique<typename E::template workspace<B>>();
    auto wd = std::make_unique<typename D::template workspace<B>>();
    e->template forward<true>(*x, *we);
    d->template forward<true>(*x, *wd);
    CHECK(rel(we->output().data(), wd->output().data(), we->output().size) < tol);
    auto dye = we->output_grad();
    auto dyd = wd->output_grad();
    net_checks::fill(dye, 5);
    for (std::size_t i = 0; i < dye.size; ++i) dyd.data()[i] = dye.data()[i];
    auto ge = std::make_unique<typename E::gradients>();
    auto gd = std::make_unique<typename D::gradients>();
    auto dxe = std::make_unique<typename E::template input_batch<B>>();
    auto dxd = std::make_unique<typename D::template input_batch<B>>();
    e->backward(*x, *we, *ge, dxe.get());
    d->backward(*x, *wd, *gd, dxd.get());
    CHECK(rel(dxe->data(), dxd->data(), dxe->size) < tol);
    E::for_each_param_in(*ge, [&](const std::string& name, const param_info& info, const T* g) {
        INFO(name);
        CHECK(rel(g, gd->data + info.offset, info.size()) < tol);
    });
    // without ∂L/∂input: the same parameter gradients
    auto ge2 = std::make_unique<typename E::gradients>();
    e->backward(*x, *we, *ge2);
    for (std::size_t i = 0; i < E::param_storage; ++i) REQUIRE(ge2->data[i] == ge->data[i]);
}

}  // namespace

TEST_CASE("ExprLayer: the bound layer's shapes, table and saved area", "[layers][expr_layer]") {
    using L = layers::binding<ExprLayer<DenseTanh<7>>>::type<Shape<11>>;
    STATIC_REQUIRE(Layer<L>);
    STATIC_REQUIRE(std::is_same_v<L::in_shape, Shape<11>>);
    STATIC_REQUIRE(std::is_same_v<L::out_shape, Shape<7>>);
    STATIC_REQUIRE(L::param_count == 7 * 11 + 7);
    STATIC_REQUIRE(L::params<float>[0].name == "weight");
    STATIC_REQUIRE(L::params<float>[0].dims[0] == 7 && L::params<float>[0].dims[1] == 11);
    STATIC_REQUIRE(L::params<float>[0].role == param_role::weight);
    STATIC_REQUIRE(L::params<float>[0].init.kind == init_rule::uniform_inv_sqrt && L::params<float>[0].init.value == 11);
    STATIC_REQUIRE(L::params<float>[1].offset == layers::aligned_size<float>(77));
    STATIC_REQUIRE(L::params<float>[1].role == param_role::bias);
    STATIC_REQUIRE(L::saved_size<float, 5> == 5 * 7);  // the product x Wᵀ
    STATIC_REQUIRE(Expr<float>::param_table[1].name == "0.bias");
    STATIC_REQUIRE(!layers::binding<ExprLayer<DenseTanh<7>>>::accepts<Shape<2, 11>>);
}

TEST_CASE("ExprLayer: Dense + Tanh as an expression equals the built-in layers", "[layers][expr_layer]") {
    against_builtin<float, 1>(1e-6);
    against_builtin<float, 5>(1e-6);
    against_builtin<double, 1>(1e-13);
    against_builtin<double, 5>(1e-13);
}

TEST_CASE("ExprLayer: gradients against finite differences", "[layers][expr_layer][grad]") {
    net_checks::check_net<BasicSequential<double, Input<5>, ExprLayer<DenseTanh<6>>, Dense<3>>, MSE, 3>(11);
}

TEST_CASE("ExprLayer: forward and backward allocate nothing", "[layers][expr_layer][alloc]") {
    using Net = Expr<float>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    auto ws = std::make_unique<Net::workspace<5>>();
    auto g = std::make_unique<Net::gradients>();
    auto x = std::make_unique<Net::input_batch<5>>();
    auto dx = std::make_unique<Net::input_batch<5>>();
    net_checks::fill(*x, 2);
    const Tensor<float, 11> one{};
    const std::size_t n = ctnn_test::allocations_during([&] {
        net->forward<true>(*x, *ws);
        net->backward(*x, *ws, *g, dx.get());
        net->forward(*x, *ws);
        (void)net->forward(one);
    });
    REQUIRE(n == 0);
}
