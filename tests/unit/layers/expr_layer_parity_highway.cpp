// PyTorch parity of layers written as expressions (ExprLayer): a highway
// layer 9 -> 9 followed by a Dense (the gated unit: expr_layer_parity.cpp), against plain
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
using HighwayNet = BasicSequential<T, Input<9>, ExprLayer<expr_layer_specs::Highway>, Dense<3>>;
}  // namespace

TEST_CASE("PyTorch parity: a highway layer written as an expression", "[layers][expr_layer][parity]") {
    check_fixture<HighwayNet, 9>("expr_highway");
}
