// expect: ctnn: Slice<Begin, End> needs End at most the length of its input's first axis
// expect: end_within_the_first_axis_of<ctnn::Shape<4, 10> ?>
#include <ctnn/net.hpp>

// Channels 2..6 of 4.
using Net = ctnn::Sequential<ctnn::Input<4, 10>, ctnn::Slice<2, 6>>;
Net net;
