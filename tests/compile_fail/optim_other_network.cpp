// expect: ctnn: this optimizer was made for another network type
// expect: is_same_v<.*Dense<16.*Dense<8
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>

// An optimizer kept from an earlier version of the network steps the new one.
using OldNet = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Dense<2>>;
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<16>, ctnn::Dense<2>>;
void f(Net& net, Net::gradients& g, ctnn::optim::Adam<OldNet>& adam) { adam.step(net, g); }
