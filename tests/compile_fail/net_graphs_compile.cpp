// expect-success
// The positive twins of the graph cases: the same networks with the mistake
// fixed compile (so those tests cannot pass because the harness broke).
#include <ctnn/net.hpp>

#include "../../examples/one_pole.hpp"

using Residual = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<8>, ctnn::Residual<ctnn::Dense<8>>, ctnn::Dense<2>>;
using Body = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<8>, ctnn::Tanh,
                              ctnn::Residual<ctnn::Dense<8>, ctnn::Dense<8, true, 8>>>;
using Layouts = ctnn::Sequential<ctnn::Input<2, 3>, ctnn::Concat<ctnn::Tanh, ctnn::Identity>>;
using Branch = ctnn::Sequential<ctnn::Input<2, 3>, ctnn::Concat<ctnn::Flatten, ctnn::Sequential<ctnn::Flatten, ctnn::Softmax>>>;
using Sum = ctnn::Sequential<ctnn::Input<5>, ctnn::Add<ctnn::Dense<4>, ctnn::Dense<4>>>;
using Stateful = ctnn::Sequential<ctnn::Input<2>, ctnn::Dense<4>, examples::OnePole, ctnn::Dense<1>>;
Residual r;
Body b;
Layouts l;
Branch c;
Sum s;
float f(const Stateful& net, const ctnn::Tensor<float, 2>& x, Stateful::state_type& st) {
    return net.forward(x, st)(0);
}
using Steps = ctnn::Sequential<ctnn::Input<3, 4>, ctnn::PerStep<ctnn::Dense<2>>>;
Steps p;
