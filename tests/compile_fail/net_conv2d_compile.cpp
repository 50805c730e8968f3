// expect-success
// The positive twin of the net_conv2d_* cases: the same networks with the
// mistake fixed compile.
#include <ctnn/net.hpp>

using A = ctnn::Sequential<ctnn::Input<3, 20, 1>, ctnn::Conv2D<4, 3, 1>>;
using B = ctnn::Sequential<ctnn::Input<3, 8, 8>, ctnn::Conv2D<4, 3, 3, 1, 1, 1, ctnn::Pad<1>>>;
using C = ctnn::Sequential<ctnn::Input<3, 8, 8>, ctnn::Conv2D<6, 1>, ctnn::Conv2D<6, 3, 3, 1, 1, 2>>;
using D = ctnn::Sequential<ctnn::Input<4, 8, 8>, ctnn::Conv2D<6, 3, 3, 1, 1, 2>>;
using E = ctnn::Sequential<ctnn::Input<3, 8, 7>, ctnn::Conv2D<4, 3, 3, 1, 3>>;
using F = ctnn::Sequential<ctnn::Input<3, 8, 8>, ctnn::Conv2D<4, 3, 3, 1, 1, 1, ctnn::Same>>;
A a;
B b;
C c;
D d;
E e;
F f;
