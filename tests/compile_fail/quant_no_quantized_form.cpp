// Quantized<Net, Policy> of a network with a layer that has parameters and no
// quantized form (here LayerNorm): one ctnn: error naming the layer's index and spec.
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>
#include <ctnn/quant.hpp>

using namespace ctnn;
using Net = Sequential<Input<8>, Dense<8>, ReLU, LayerNorm<>, Dense<2>>;

int main() {
    Quantized<Net, quant::int8_weights> q;
    (void)q;
}
// expect: ctnn: Quantized<Net, Policy> quantizes Dense layers and runs layers without parameters in float
// expect: layer<2, ctnn::LayerNorm
