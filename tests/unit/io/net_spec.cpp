// io::parse_net_spec: the text of a network type gives the parameters the
// real type has (names and shapes, in order), and every mistake is one
// sentence naming the layer.
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>
#include <ctnn/io/net_spec.hpp>

#include <string>
#include <vector>

using namespace ctnn;
using Catch::Contains;

namespace {
/// The real type's parameters, as parse_net_spec reports them.
template <class Net>
std::vector<io::expected_tensor> params_of() {
    std::vector<io::expected_tensor> out;
    std::make_unique<Net>()->for_each_param([&](const std::string& name, const param_info& info, auto*) {
        out.push_back({name, {info.dims.begin(), info.dims.begin() + info.rank}});
    });
    return out;
}

template <class Net>
void same_as_type(const std::string& text, const char* value_type) {
    INFO(text);
    const io::net_spec s = io::parse_net_spec(text);
    const auto want = params_of<Net>();
    REQUIRE(s.params.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        CHECK(s.params[i].name == want[i].name);
        CHECK(s.params[i].shape == want[i].shape);
    }
    CHECK(s.value_type == value_type);
    CHECK(s.input == std::vector<std::size_t>(Net::in_shape::dims.begin(), Net::in_shape::dims.end()));
}
}  // namespace

TEST_CASE("parse_net_spec gives the parameters of the real type", "[io][net_spec]") {
    same_as_type<Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>>("Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>",
                                                                      "float");
    same_as_type<BasicSequential<double, Input<4>, Dense<6>, Tanh, Dense<6, false>, Sigmoid, Dense<6>, SiLU, Dense<6>, ELU<>,
                                 Dense<6>, Softplus, Dense<3>, Softmax>>(
        "BasicSequential<double, Input<4>, Dense<6>, Tanh, Dense<6, false>, Sigmoid, Dense<6>, SiLU, Dense<6>, ELU<>, "
        "Dense<6>, Softplus, Dense<3>, Softmax>",
        "double");
    same_as_type<Sequential<Input<2, 3>, Flatten, Dense<5, true, 6>, PReLU, Dropout<0.1>, LeakyReLU<0.2>, GELU, Identity,
                            ELU<1.5>, Dense<1>>>(
        " ctnn::Sequential < ctnn::Input<2, 3>, Flatten, Dense<5, true, 6>, PReLU, Dropout<0.1>, LeakyReLU<0.2>, GELU, "
        "Identity, ::ctnn::ELU<1.5>, Dense<1> > ",
        "float");
    same_as_type<Sequential<Input<5>, Dense<6>, Tanh, Residual<Dense<6>, ReLU, Residual<Dense<6>>>,
                            Concat<Sequential<Dense<3>, Tanh>, Dense<2>>, Add<Dense<4>, Sequential<Dense<4>, PReLU>>,
                            Dense<3>>>(
        "Sequential<Input<5>, Dense<6>, Tanh, Residual<Dense<6>, ReLU, Residual<Dense<6>>>, "
        "Concat<Sequential<Dense<3>, Tanh>, Dense<2>>, Add<Dense<4>, Sequential<Dense<4>, PReLU>>, Dense<3>>",
        "float");
    same_as_type<Sequential<Input<7, 3>, PerStep<Dense<5>>, Tanh, PerStep<Dense<2>>, Flatten, Dense<1>>>(
        "Sequential<Input<7, 3>, PerStep<Dense<5>>, Tanh, PerStep<Dense<2>>, Flatten, Dense<1>>", "float");
    same_as_type<Sequential<Input<9, 3>, GRU<5>, PerStep<Dense<2>>, LSTM<4, 2, Returns::last>, Dense<1>>>(
        "Sequential<Input<9, 3>, GRU<5>, PerStep<Dense<2>>, LSTM<4, 2, ctnn::Returns::last>, Dense<1>>", "float");
    same_as_type<Sequential<Input<3>, LSTM<6>, Dense<1>>>("Sequential<Input<3>, LSTM<6>, Dense<1>>", "float");
    same_as_type<Sequential<Input<3, 37>, Conv1D<6, 5, 2, 1, 3, Pad<2>>, ReLU, Conv1D<4, 3, 1, 7, 1, Causal>,
                            Residual<Slice<0, 4>, Conv1D<4, 1>>, Conv1D<2, 3, 1, 1, 2, Same>, Flatten, Dense<1>>>(
        "Sequential<Input<3, 37>, Conv1D<6, 5, 2, 1, 3, Pad<2>>, ReLU, Conv1D<4, 3, 1, 7, 1, Causal>, "
        "Residual<Slice<0, 4>, Conv1D<4, 1>>, Conv1D<2, 3, 1, 1, 2, Same>, Flatten, Dense<1>>",
        "float");
    same_as_type<Sequential<Input<3>, Conv1D<5, 4, 1, 2, 1, Causal>, Tanh, Conv1D<1, 1, 1, 1, 1, Causal>>>(
        "Sequential<Input<3>, Conv1D<5, 4, 1, 2, 1, Causal>, Tanh, Conv1D<1, 1, 1, 1, 1, Causal>>", "float");
    REQUIRE_THROWS_WITH(io::parse_net_spec("Sequential<Input<3>, Conv1D<5, 4>>"),
                        Contains("layer 0 Conv1D on one step [C] streams: it needs Causal padding and stride 1"));
    REQUIRE_THROWS_WITH(io::parse_net_spec("Sequential<Input<3, 4>, Conv1D<5, 9>>"),
                        Contains("layer 0 Conv1D's kernel spans 9 steps, longer than its padded input (4)"));
    same_as_type<Sequential<Input<1, 28, 28>, Conv2D<16, 3, 3, 1, 1, 1, Pad<1>>, ReLU, MaxPool2D<2, 2>,
                            Conv2D<8, 3, 2, 1, 1, 8, Same>, Conv2D<4, 1>, GlobalAvgPool, Dense<10>>>(
        "Sequential<Input<1, 28, 28>, Conv2D<16, 3, 3, 1, 1, 1, Pad<1>>, ReLU, MaxPool2D<2, 2>, "
        "Conv2D<8, 3, 2, 1, 1, 8, Same>, Conv2D<4, 1>, GlobalAvgPool, Dense<10>>",
        "float");
    REQUIRE_THROWS_WITH(io::parse_net_spec("Sequential<Input<3, 8, 5>, Conv2D<4, 3, 3, 1, 3>>"),
                        Contains("layer 0 Conv2D's kernel spans 7 columns, more than its padded input (5)"));
    REQUIRE_THROWS_WITH(io::parse_net_spec("Sequential<Input<3, 8>, Conv2D<4, 3>>"),
                        Contains("layer 0 Conv2D takes an image [C, H, W], it gets [3, 8]"));
    REQUIRE_THROWS_WITH(io::parse_net_spec("Sequential<Input<4>, GRU<5, 1, Returns::first>>"),
                        Contains("layer 0 GRU's third argument is Returns::sequence or Returns::last"));
    REQUIRE_THROWS_WITH(io::parse_net_spec("Sequential<Input<4>, PerStep<Dense<2>>>"),
                        Contains("layer 0 PerStep needs a sequence [T, ...], it gets [4]"));
}

// The top-level chain's layer names, in order (ctnn-embed --quantize walks them).
TEST_CASE("parse_net_spec lists the top-level layers", "[io][net_spec]") {
    const io::net_spec s =
        io::parse_net_spec("BasicSequential<float, Input<2, 3>, Flatten, ctnn::Dense<4>, ReLU, Residual<Dense<4>>, Dense<1>>");
    CHECK(s.layers == std::vector<std::string>{"Flatten", "Dense", "ReLU", "Residual", "Dense"});
}

// Graphs (net/residual.hpp, add.hpp, concat.hpp) are named as tools/ctnn_torch.py's modules: a
// Residual's chain under "<i>.body.", branch k of Add and Concat under "<i>.branches.<k>".
// Written out by hand here; compared with the real types where they exist.
TEST_CASE("parse_net_spec names graph parameters as ctnn_torch.py's modules", "[io][net_spec]") {
    const io::net_spec s = io::parse_net_spec(
        "Sequential<Input<4>, Residual<Dense<8>, GELUTanh, Dense<4>>, "
        "Concat<Dense<3>, Sequential<Dense<2, false>, ReLU, Dense<5>>>, Add<Dense<6>, Sequential<PReLU, Dense<6>>>, Dense<1>>");
    const std::vector<std::pair<std::string, std::vector<std::size_t>>> want = {
        {"0.body.0.weight", {8, 4}},          {"0.body.0.bias", {8}},  {"0.body.2.weight", {4, 8}},
        {"0.body.2.bias", {4}},               {"1.branches.0.weight", {3, 4}}, {"1.branches.0.bias", {3}},
        {"1.branches.1.0.weight", {2, 4}},    {"1.branches.1.2.weight", {5, 2}}, {"1.branches.1.2.bias", {5}},
        {"2.branches.0.weight", {6, 8}},      {"2.branches.0.bias", {6}},  {"2.branches.1.0.weight", {1}},
        {"2.branches.1.1.weight", {6, 8}},    {"2.branches.1.1.bias", {6}}, {"3.weight", {1, 6}},
        {"3.bias", {1}}};
    REQUIRE(s.params.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        CHECK(s.params[i].name == want[i].first);
        CHECK(s.params[i].shape == want[i].second);
    }
    auto fails = [](const std::string& text, const std::string& message) {
        INFO(text);
        REQUIRE_THROWS_WITH(io::parse_net_spec(text), Contains(message));
    };
    fails("Sequential<Input<4>, Residual<Dense<8>, Relu, Dense<4>>>", "layer 0.body.1 is 'Relu', which is no ctnn layer");
    fails("Sequential<Input<4>, Add<Dense<3>, Sequential<Dense<2>, Tahn>>>", "layer 0.branches.1.1 is 'Tahn'");
    fails("Sequential<Input<4>, Residual<Dense<8>>>", "layer 0 Residual's layers must keep the shape of their input [4]");
    fails("Sequential<Input<4>, Add<Dense<3>, Dense<2>>>", "layer 0 Add's branch 1 gives [2], branch 0 gives [3]");
    fails("Sequential<Input<4>, Concat<>>", "layer 0 Concat needs at least one layer");
}

TEST_CASE("parse_net_spec names the layer it does not know and every other mistake", "[io][net_spec]") {
    auto fails = [](const std::string& text, const std::string& message) {
        INFO(text);
        REQUIRE_THROWS_WITH(io::parse_net_spec(text), Contains(message));
    };
    fails("Sequential<Input<4>, Dence<8>, ReLU, Dense<2>>",
          "layer 0 is 'Dence', which is no ctnn layer (did you mean Dense?); the layers are Dense, Identity");
    fails("Sequential<Input<4>, Dense<8>, Relu, Dense<2>>", "layer 1 is 'Relu', which is no ctnn layer (did you mean ReLU?)");
    fails("Sequential<Input<4>, Dense<8>, Attention<3>>", "layer 1 is 'Attention', which is no ctnn layer; the layers are");
    fails("Sequential<Input<4>, Dense<8>, Conv2d<3>>", "layer 1 is 'Conv2d', which is no ctnn layer (did you mean Conv2D?)");
    fails("Sequentail<Input<4>, Dense<8>>", "a network is Sequential<Input<...>, layers...>");
    fails("Sequential<Dense<8>>", "a network starts with Input<...>");
    fails("BasicSequential<int, Input<4>, Dense<8>>", "BasicSequential's first argument is the value type, float or double");
    fails("Sequential<Input<4>, Dense<8>", "expected ',' or '>' (at character 30)");
    fails("Sequential<Input<4>, Dense<8>>>", "text after the type");
    fails("Sequential<Input<0>, Dense<8>>", "an extent of Input must be a positive integer, not '0'");
    fails("Sequential<Input<4>, Dense<>>", "layer 0 Dense needs its number of output features");
    fails("Sequential<Input<4>, Dense<8, maybe>>", "Dense's second argument is Bias, true or false");
    fails("Sequential<Input<4>, Dense<8, true, 5>>", "layer 0 Dense expects 5 input features, it gets 4");
    fails("Sequential<Input<2, 2>, Dense<8>>", "layer 0 Dense needs a flat input, it gets [2, 2]: put Flatten before it");
    fails("Sequential<Input<4>, ReLU<1>>", "layer 0 ReLU takes no template arguments");
    fails("Sequential<Input<4>, Dropout<1.5>>", "layer 0 Dropout needs a probability in [0, 1)");
    fails("Sequential<Input<4>, Dropout>", "layer 0 Dropout needs its probability");
    fails("Sequential<Input<4>, ELU<x>>", "layer 0 ELU takes a number, not 'x'");
    fails("Sequential<Input<4>, Dense<8>; int x", "network type 'Sequential<Input<4>, Dense<8>; int x': expected ',' or '>'");
    fails("Sequential<Input<4>, {}>", "unexpected '{' (at character 22)");
    std::string deep = "Sequential<Input<4>, ";
    for (int i = 0; i < 200; ++i) deep += "Residual<";
    fails(deep + "ReLU", "types nested more than 100 levels deep");
}
