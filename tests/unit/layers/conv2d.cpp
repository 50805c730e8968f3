// Conv2D (layers/conv2d.hpp): the protocol's clauses and what the binding
// refuses, outputs against a plain reference convolution (padding rules,
// stride, dilation, groups, depthwise, non-square kernels, 1x1), gradients
// against finite differences in double (conv2d_grad.cpp), and no allocation.
// PyTorch parity: conv2d_parity.cpp.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "../alloc_count.hpp"
#include "../net/net_checks.hpp"

using namespace ctnn;

namespace {

/// y[o, i, j] = b[o] + Σ_{c in o's group, kh, kw} w[o, c, kh, kw] · xpad[c, i·S + kh·D, j·S + kw·D], in double.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t Out, std::size_t KH, std::size_t KW, std::size_t S,
          std::size_t D, std::size_t G, class Pad, class T>
std::vector<double> reference(const T* w, const T* b, const T* x) {
    using AH = layers::padded_axis<H, KH, S, D, Pad>;
    using AW = layers::padded_axis<W, KW, S, D, Pad>;
    constexpr std::size_t Cg = C / G, Og = Out / G;
    std::vector<double> y(Out * AH::out * AW::out);
    for (std::size_t o = 0; o < Out; ++o)
        for (std::size_t i = 0; i < AH::out; ++i)
            for (std::size_t j = 0; j < AW::out; ++j) {
                double s = double(b[o]);
                const std::size_t g = o / Og;
                for (std::size_t c = 0; c < Cg; ++c)
                    for (std::size_t kh = 0; kh < KH; ++kh)
                        for (std::size_t kw = 0; kw < KW; ++kw) {
                            const long r = long(i * S + kh * D) - long(AH::before);
                            const long q = long(j * S + kw * D) - long(AW::before);
                            if (r >= 0 && r < long(H) && q >= 0 && q < long(W))
                                s += double(w[((o * Cg + c) * KH + kh) * KW + kw]) *
                                     double(x[((g * Cg + c) * H + std::size_t(r)) * W + std::size_t(q)]);
                        }
                y[(o * AH::out + i) * AW::out + j] = s;
            }
    return y;
}

/// One Conv2D in a double network against the reference, at batch 3.
template <std::size_t C, std::size_t H, std::size_t W, class Spec>
struct against_reference;
template <std::size_t C, std::size_t H, std::size_t W, std::size_t Out, std::size_t KH, std::size_t KW, std::size_t S,
          std::size_t D, std::size_t G, class Pad>
struct against_reference<C, H, W, Conv2D<Out, KH, KW, S, D, G, Pad>> {
    static void run(std::uint64_t seed) {
        using Net = BasicSequential<double, Input<C, H, W>, Conv2D<Out, KH, KW, S, D, G, Pad>>;
        auto net = std::make_unique<Net>();
        init::torch_default(*net, seed);
        auto bias = net->template param<"0.bias">();
        for (std::size_t o = 0; o < Out; ++o) bias(o) = 0.1 * double(o) - 0.3;
        auto x = std::make_unique<typename Net::template input_batch<3>>();
        net_checks::fill(*x, seed + 1);
        auto ws = std::make_unique<typename Net::template workspace<3>>();
        net->forward(*x, *ws);
        constexpr std::size_t n = Net::out_shape::size;
        for (std::size_t r = 0; r < 3; ++r) {
            const auto ref = reference<C, H, W, Out, KH, KW, S, D, G, Pad>(
                net->template param<"0.weight">().data(), bias.data(), x->data() + r * C * H * W);
            REQUIRE(ref.size() == n);
            for (std::size_t i = 0; i < n; ++i)
                REQUIRE(ws->output().data()[r * n + i] == Approx(ref[i]).margin(1e-12));
        }
    }
};

}  // namespace

TEST_CASE("Conv2D: shapes, parameter table and what the binding refuses", "[layers][conv2d]") {
    using L = layers::binding<Conv2D<5, 3, 2, 2, 1, 1, Pad<1>>>::type<Shape<3, 11, 9>>;
    STATIC_REQUIRE(Layer<L>);
    STATIC_REQUIRE(!StatefulLayer<L>);
    // Ho = ⌊(11 + 2 - 3) / 2⌋ + 1 = 6, Wo = ⌊(9 + 2 - 2) / 2⌋ + 1 = 5
    STATIC_REQUIRE(std::is_same_v<L::out_shape, Shape<5, 6, 5>>);
    STATIC_REQUIRE(L::params<float>[0].name == "weight");
    STATIC_REQUIRE(L::params<float>[0].rank == 4);
    STATIC_REQUIRE(L::params<float>[0].dims == std::array<std::size_t, 4>{5, 3, 3, 2});
    STATIC_REQUIRE(L::params<float>[0].init.value == 18.0);  // U(±1/√(C/G·KH·KW))
    STATIC_REQUIRE(L::params<float>[0].fan_out == 5 * 3 * 2);
    STATIC_REQUIRE(L::params<float>[1].name == "bias");
    STATIC_REQUIRE(L::params<float>[1].init.value == 18.0);
    STATIC_REQUIRE(L::param_count == 5 * 3 * 3 * 2 + 5);

    using Square = layers::binding<Conv2D<4, 3>>::type<Shape<2, 7, 6>>;  // KW defaults to KH
    STATIC_REQUIRE(std::is_same_v<Square::out_shape, Shape<4, 5, 4>>);
    using SameOdd = layers::binding<Conv2D<4, 4, 3, 1, 2, 1, Same>>::type<Shape<3, 10, 9>>;
    STATIC_REQUIRE(std::is_same_v<SameOdd::out_shape, Shape<4, 10, 9>>);
    STATIC_REQUIRE(SameOdd::PT == 3 && SameOdd::PL == 2);  // rows: total 6 -> 3 + 3; an odd total puts one more after
    using Depthwise = layers::binding<Conv2D<6, 3, 3, 1, 1, 3>>::type<Shape<3, 5, 5>>;
    STATIC_REQUIRE(Depthwise::params<float>[0].dims[1] == 1);
    STATIC_REQUIRE(layers::binding<Conv2D<4, 1>>::type<Shape<3, 5, 5>>::direct);
    STATIC_REQUIRE(!L::transposed_dw);  // C/G·KH·KW = 18
    STATIC_REQUIRE(layers::binding<Conv2D<4, 3, 3, 1, 1, 2>>::type<Shape<16, 5, 5>>::transposed_dw);  // 72

    // what the binding refuses
    STATIC_REQUIRE(!layers::binding<Conv2D<4, 3>>::accepts<Shape<3, 10>>);                       // rank 2
    STATIC_REQUIRE(!layers::binding<Conv2D<4, 3>>::accepts<Shape<3, 2, 10>>);                    // kernel taller
    STATIC_REQUIRE(!layers::binding<Conv2D<4, 3, 5, 1, 2>>::accepts<Shape<3, 10, 8>>);           // 9 > 8 wide
    STATIC_REQUIRE(layers::binding<Conv2D<4, 3, 3, 1, 1, 1, Pad<1>>>::accepts<Shape<3, 1, 1>>);  // padded: fits
    STATIC_REQUIRE(!layers::binding<Conv2D<4, 3, 3, 1, 1, 2>>::accepts<Shape<3, 8, 8>>);         // 3 % 2
    STATIC_REQUIRE(!layers::binding<Conv2D<3, 3, 3, 1, 1, 2>>::accepts<Shape<4, 8, 8>>);         // out 3 % 2
    STATIC_REQUIRE(!layers::binding<Conv2D<4, 3, 3, 2, 1, 1, Same>>::accepts<Shape<3, 8, 8>>);   // same, stride 2
    STATIC_REQUIRE(!layers::binding<Conv2D<4, 3, 3, 1, 1, 1, Causal>>::accepts<Shape<3, 8, 8>>); // causal

    // a following activation fuses; the parameter names are nn.Sequential's
    using Net = Sequential<Input<3, 8, 8>, Conv2D<4, 3>, ReLU, Conv2D<2, 1>>;
    STATIC_REQUIRE(std::is_same_v<Net::root::child<0>::activation, ReLU>);
    STATIC_REQUIRE(Net::param_table[2].name == "2.weight");
}

TEST_CASE("Conv2D: outputs against a reference convolution", "[layers][conv2d]") {
    against_reference<3, 11, 9, Conv2D<5, 3, 2, 2, 1, 1, Pad<1>>>::run(1);
    against_reference<3, 11, 9, Conv2D<5, 3, 3, 1, 2>>::run(2);                  // dilation 2
    against_reference<2, 10, 9, Conv2D<4, 4, 3, 1, 2, 1, Same>>::run(3);         // odd totals
    against_reference<6, 7, 8, Conv2D<9, 3, 3, 2, 1, 3, Pad<2>>>::run(4);        // groups, pad > 1
    against_reference<4, 7, 6, Conv2D<4, 3, 3, 1, 1, 4, Same>>::run(5);          // depthwise
    against_reference<3, 5, 7, Conv2D<5, 1>>::run(6);                            // 1x1: the input is its patches
    against_reference<3, 9, 9, Conv2D<5, 1, 1, 2>>::run(7);                      // 1x1, stride 2
    against_reference<2, 9, 11, Conv2D<3, 5, 4, 3, 1, 1, Pad<2>>>::run(8);       // stride 3, spans past the end
}

TEST_CASE("Conv2D: forward and backward do not allocate", "[layers][conv2d][alloc]") {
    using Net = Sequential<Input<3, 11, 9>, Conv2D<5, 3, 2, 2, 1, 1, Pad<1>>, ReLU, Conv2D<4, 3, 3, 1, 1, 1, Same>,
                           Tanh, Flatten, Dense<2>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    auto ws = std::make_unique<Net::workspace<4>>();
    auto g = std::make_unique<Net::gradients>();
    auto x = std::make_unique<Net::input_batch<4>>();
    auto dx = std::make_unique<Net::input_batch<4>>();
    net_checks::fill(*x, 2);
    const std::size_t n = ctnn_test::allocations_during([&] {
        net->forward(*x, *ws);
        net->forward<true>(*x, *ws);
        net->backward(*x, *ws, *g, dx.get());
    });
    REQUIRE(n == 0);
}
