// expect: ctnn: a squared error compares the output with target values of its shape, not with class labels
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// A classifier's labels given to MSE.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float f(const Net::workspace<8>& ws, Net::workspace<8>& out, const ctnn::Labels<8>& labels) {
    return ctnn::MSE::compute(ws.output(), labels, out.output_grad());
}
