// expect: ctnn: the input batch must have the workspace's batch size and the network's input shape
// expect: input_matches<ctnn::Shape<128, 4>, ctnn::Shape<64, 4> ?>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// A batch of 128 through a workspace sized for 64.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
void f(const Net& n, const Net::input_batch<128>& x, Net::workspace<64>& ws) { n.forward(x, ws); }
