// expect: ctnn: a layer's template arguments break one of its rules
// expect: layer<ctnn::path<-1>, ctnn::Input<6, 0> ?>::keeps<ctnn::Input<6, 0> ?::needs_one_or_more_positive_extents>
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// An input of no elements (it compiled silently before).
using Net = ctnn::Sequential<ctnn::Input<6, 0>, ctnn::Flatten, ctnn::Dense<3>>;
Net net;
