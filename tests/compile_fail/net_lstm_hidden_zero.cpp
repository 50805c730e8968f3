// expect: ctnn: a recurrent layer needs a hidden size of at least 1
#include <ctnn/layers/recurrent.hpp>
#include <ctnn/net.hpp>

// LSTM<0>.
using Net = ctnn::Sequential<ctnn::Input<5, 3>, ctnn::LSTM<0>>;
Net net;
