// expect-success
// The positive twin of the net_conv1d_* and net_slice_end cases: the same
// networks with the mistake fixed compile.
#include <ctnn/net.hpp>

using A = ctnn::Sequential<ctnn::Input<3, 8>, ctnn::Flatten, ctnn::Dense<4>>;
using B = ctnn::Sequential<ctnn::Input<3, 20>, ctnn::Conv1D<6, 1>, ctnn::Conv1D<6, 3, 1, 1, 2>>;
using C = ctnn::Sequential<ctnn::Input<3, 9>, ctnn::Conv1D<4, 3, 1, 4>>;
using D = ctnn::Sequential<ctnn::Input<3, 20>, ctnn::Conv1D<4, 3, 1, 1, 1, ctnn::Same>>;
using E = ctnn::Sequential<ctnn::Input<3>, ctnn::Conv1D<4, 3, 1, 1, 1, ctnn::Causal>>;
using F = ctnn::Sequential<ctnn::Input<4, 10>, ctnn::Slice<2, 4>>;
A a;
B b;
C c;
D d;
E e;
F f;
