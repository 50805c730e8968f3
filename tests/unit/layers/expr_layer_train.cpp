// ExprLayer in training: a network with a gated unit trains with Adam
// (train::step) and a checkpoint (weights and Adam's moments, io/checkpoint.hpp)
// resumes it bit for bit.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/io/checkpoint.hpp>
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/train/step.hpp>

#include "../net/net_checks.hpp"
#include "../support.hpp"
#include "expr_layer_specs.hpp"

using namespace ctnn;

TEST_CASE("ExprLayer: a checkpoint resumes Adam bit for bit", "[layers][expr_layer][io]") {
    using Net = Sequential<Input<5>, ExprLayer<expr_layer_specs::Gated<4>>, Dense<2>>;
    ctnn_test::TempDir dir;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 12);
    auto ws = std::make_unique<Net::workspace<3>>();
    auto g = std::make_unique<Net::gradients>();
    Net::input_batch<3> x;
    Net::output_batch<3> y;
    net_checks::fill(x, 13);
    net_checks::fill(y, 14);
    optim::Adam<Net> adam({.lr = 0.05});
    for (int i = 0; i < 3; ++i) train::step<MSE>(*net, *ws, *g, adam, x, y);
    io::save_checkpoint(*net, adam, dir.file("run.ckpt"));
    auto resumed = std::make_unique<Net>();
    optim::Adam<Net> adam2({.lr = 0.05});
    io::load_checkpoint(*resumed, adam2, dir.file("run.ckpt"));
    for (int i = 0; i < 3; ++i) {
        const float a = train::step<MSE>(*net, *ws, *g, adam, x, y);
        const float b = train::step<MSE>(*resumed, *ws, *g, adam2, x, y);
        REQUIRE(a == b);
    }
    for (std::size_t i = 0; i < Net::param_storage; ++i) REQUIRE(net->params()[i] == resumed->params()[i]);
}
