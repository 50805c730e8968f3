// ExprLayer inside graphs: in a Residual's body, in Concat's branches and in
// a nested chain, a gated unit and a highway layer have PyTorch's module
// paths and give gradients that match finite differences in double.
// (Training and checkpoints: expr_layer_train.cpp.)
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"
#include "expr_layer_specs.hpp"

using namespace ctnn;
using expr_layer_specs::Gated;
using expr_layer_specs::Highway;

namespace {
template <class T>
using Graph = BasicSequential<T, Input<5>, Residual<ExprLayer<Highway>>,
                              Concat<ExprLayer<Gated<4>>, Sequential<Dense<3>, ExprLayer<Gated<2>>>>, Dense<3>>;
}  // namespace

TEST_CASE("ExprLayer in Residual, Concat and a nested chain: names and finite differences",
          "[layers][expr_layer][grad]") {
    using Net = Graph<double>;
    STATIC_REQUIRE(Net::param_table[0].name == "0.body.0.transform.weight");
    STATIC_REQUIRE(Net::param_table[4].name == "1.branches.0.gate.weight");
    STATIC_REQUIRE(Net::param_table[10].name == "1.branches.1.1.gate.weight");
    STATIC_REQUIRE(std::is_same_v<Net::out_shape, Shape<3>>);
    net_checks::check_net<Net, MSE, 3>(21);
}

