// expect: ctnn: a Residual adds its input to its body's output: the body must keep the input's shape
// expect: layer<(ctnn::)?path<1>, (ctnn::)?Residual<(ctnn::)?Dense<4(, true, 0)?> ?> ?>::body_keeps_the_shape_of_its_input<ctnn::Shape<8(UL)?> ?>::but_produces<ctnn::Shape<4(UL)?> ?>
#include <ctnn/net.hpp>

// The body turns 8 features into 4: x + f(x) has no meaning.
using Net = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<8>, ctnn::Residual<ctnn::Dense<4>>, ctnn::Dense<2>>;
Net net;
