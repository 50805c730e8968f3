// expect-success
// The positive twins of the norm, pooling and embedding cases: the same
// networks with the mistake fixed compile (so those tests cannot pass
// because the harness broke).
#include <ctnn/net.hpp>

using Window = ctnn::Sequential<ctnn::Input<3, 4, 6>, ctnn::ReLU, ctnn::MaxPool2D<5, 5, 1, 1, 1, 2>>;  // padded 6x10
using Padding = ctnn::Sequential<ctnn::Input<3, 9>, ctnn::AvgPool1D<3, 1, 1>>;
using Rank = ctnn::Sequential<ctnn::Input<3, 9>, ctnn::MaxPool1D<2>>;
using Norm = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::BatchNorm1D, ctnn::Dense<2>>;
using Embed = ctnn::Sequential<ctnn::Input<2, 3>, ctnn::Flatten, ctnn::Embedding<10, 4>>;
Window w;
Padding p;
Rank r;
Norm n;
Embed e;
