// expect: ctnn: a layer expects other input features than the layer before it produces
// expect: layer<(ctnn::)?path<2, ctnn::seg::body, 1>, (ctnn::)?Dense<8, true, 5> ?>::expects_features<5(UL)?>::but_layer<ctnn::path<2, ctnn::seg::body, 0>, ctnn::Dense<8(, true, 0)?> ?>::produces<ctnn::Shape<8(UL)?> ?>
#include <ctnn/net.hpp>

// Inside a residual block: the error names the layer's path "2.body.1".
using Net = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<8>, ctnn::Tanh,
                             ctnn::Residual<ctnn::Dense<8>, ctnn::Dense<8, true, 5>>>;
Net net;
