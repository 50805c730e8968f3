// PyTorch parity of layers written as expressions (ExprLayer): a gated unit
// 7 -> 5 followed by a Dense (the highway layer: expr_layer_parity_highway.cpp), against plain
// torch modules (tests/fixtures/make_expr_layer_fixtures.py), in float and in
// double: output, loss, every parameter gradient, the input gradient and the
// weights after 20 Adam steps (the check and its tolerances: ../parity_checks.hpp).
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "../parity_checks.hpp"
#include "expr_layer_specs.hpp"

using namespace ctnn;
using parity_checks::check_fixture;

namespace {
template <class T>
using GatedNet = BasicSequential<T, Input<7>, ExprLayer<expr_layer_specs::Gated<5>>, Dense<3>>;
}  // namespace

TEST_CASE("PyTorch parity: a gated unit written as an expression", "[layers][expr_layer][parity]") {
    STATIC_REQUIRE(GatedNet<float>::param_table[0].name == "0.gate.weight");
    check_fixture<GatedNet, 9>("expr_gated");
}
