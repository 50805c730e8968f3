// expect: ctnn: the input tensor must have the network's input shape \(one sample; a batch goes through
// expect: input_matches<ctnn::Shape<8, 4>, ctnn::Shape<4> ?>
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// A batch through the one-sample forward, its result then indexed as a batch.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float f(const Net& net, const Net::input_batch<8>& X) {
    auto y = net.forward(X);
    return y(0, 0) + y(7, 2);
}
