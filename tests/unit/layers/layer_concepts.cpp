// The layer protocol's concepts, each on its own: a type that satisfies it
// and, for each clause, a type that misses only that clause.
#include <catch2/catch.hpp>

#include <ctnn/layers.hpp>
#include <ctnn/net.hpp>

using namespace ctnn;

namespace {

struct good {
    using in_shape = Shape<3>;
    using out_shape = Shape<2>;
    static constexpr std::size_t param_count = 6;
    template <class T>
    static constexpr std::size_t storage = 16;
    template <class T>
    static constexpr std::array<param_info, 1> params{param_info{"weight", 0, 2, {2, 3, 0, 0}}};
    template <class T, std::size_t B, bool Train, class S>
    static void forward(const forward_context<T, B, Train, S>&) noexcept {}
    template <class T, std::size_t B, class S>
    static void backward(const backward_context<T, B, S>&) noexcept {}
};
struct with_state : good {
    template <class T, std::size_t B>
    struct state {
        T h[B]{};
        void reset() {}
    };
};
struct no_shapes {  // misses in_shape/out_shape
    template <class T, std::size_t B, bool Train, class S>
    static void forward(const forward_context<T, B, Train, S>&) noexcept {}
    template <class T, std::size_t B, class S>
    static void backward(const backward_context<T, B, S>&) noexcept {}
};
struct shape_not_a_shape : good {
    using in_shape = int;
};
struct table_too_small : good {  // 6 parameters counted, the table holds 4
    template <class T>
    static constexpr std::array<param_info, 1> params{param_info{"weight", 0, 2, {2, 2, 0, 0}}};
};
struct table_past_storage : good {  // the tensor ends past the storage
    template <class T>
    static constexpr std::array<param_info, 1> params{param_info{"weight", 12, 2, {2, 3, 0, 0}}};
};
struct no_forward {
    using in_shape = Shape<3>;
    using out_shape = Shape<3>;
    template <class T, std::size_t B, class S>
    static void backward(const backward_context<T, B, S>&) noexcept {}
};
struct inference_only {  // forward for Train = false only
    using in_shape = Shape<3>;
    using out_shape = Shape<3>;
    template <class T, std::size_t B, class S>
    static void forward(const forward_context<T, B, false, S>&) noexcept {}
    template <class T, std::size_t B, class S>
    static void backward(const backward_context<T, B, S>&) noexcept {}
};
struct no_backward {
    using in_shape = Shape<3>;
    using out_shape = Shape<3>;
    template <class T, std::size_t B, bool Train, class S>
    static void forward(const forward_context<T, B, Train, S>&) noexcept {}
};
struct state_without_reset : good {
    template <class T, std::size_t B>
    struct state {
        T h[B]{};
    };
};

}  // namespace

TEST_CASE("ShapedLayer: per-sample shapes", "[layers][concepts]") {
    STATIC_REQUIRE(ShapedLayer<good>);
    STATIC_REQUIRE(!ShapedLayer<no_shapes>);
    STATIC_REQUIRE(!ShapedLayer<shape_not_a_shape>);
}

TEST_CASE("ParameterTable: the table agrees with the counts", "[layers][concepts]") {
    STATIC_REQUIRE(ParameterTable<good>);
    STATIC_REQUIRE(ParameterTable<no_forward>);  // no parameters at all is a consistent table
    STATIC_REQUIRE(!ParameterTable<table_too_small>);
    STATIC_REQUIRE(!ParameterTable<table_past_storage>);
}

TEST_CASE("ForwardLayer and BackwardLayer: the passes over typed contexts", "[layers][concepts]") {
    STATIC_REQUIRE(ForwardLayer<good>);
    STATIC_REQUIRE(BackwardLayer<good>);
    STATIC_REQUIRE(!ForwardLayer<no_forward>);
    STATIC_REQUIRE(!ForwardLayer<inference_only>);
    STATIC_REQUIRE(!BackwardLayer<no_backward>);
}

TEST_CASE("StatefulLayer: a per-stream state with reset()", "[layers][concepts]") {
    STATIC_REQUIRE(StatefulLayer<with_state>);
    STATIC_REQUIRE(!StatefulLayer<good>);
    STATIC_REQUIRE(!StatefulLayer<state_without_reset>);
    STATIC_REQUIRE(std::is_same_v<layers::state_of<good, float, 4>, no_state>);
}

TEST_CASE("Layer: every built-in layer and composite satisfies the protocol", "[layers][concepts]") {
    STATIC_REQUIRE(Layer<good>);
    STATIC_REQUIRE(!Layer<no_backward>);
    STATIC_REQUIRE(Layer<layers::binding<Dense<4>>::type<Shape<3>, Tanh>>);
    STATIC_REQUIRE(Layer<layers::binding<PReLU>::type<Shape<3>>>);
    STATIC_REQUIRE(Layer<layers::binding<Dropout<0.5>>::type<Shape<2, 3>>>);
    STATIC_REQUIRE(Layer<layers::binding<Softmax>::type<Shape<5>>>);
    STATIC_REQUIRE(Layer<layers::binding<Flatten>::type<Shape<2, 3>>>);
    STATIC_REQUIRE(Layer<layers::binding<Residual<Dense<3>>>::type<Shape<3>>>);
    STATIC_REQUIRE(Layer<layers::binding<Concat<Dense<3>, ReLU>>::type<Shape<3>>>);
    STATIC_REQUIRE(Layer<layers::binding<Add<Dense<3>, ReLU>>::type<Shape<3>>>);
    STATIC_REQUIRE(LayerSpec<Dense<3>>);
    STATIC_REQUIRE(!LayerSpec<int>);
    // fusion is a property of the binding: Dense takes an epilogue, PReLU does not
    STATIC_REQUIRE(layers::BindingTakesEpilogue<Dense<3>>);
    STATIC_REQUIRE(!layers::BindingTakesEpilogue<PReLU>);
}
