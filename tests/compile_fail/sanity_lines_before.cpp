// Harness sanity: the ctnn message comes 2 (clang) or 5 (g++) lines in, more
// than this case allows, so its check must fail: the line count can fail.
// expect: ctnn: this layer works on a flat sample \(rank 1\): put Flatten before it
// expect-lines-before: 1
// harness-must-fail: [0-9]+ lines before the first ctnn: error \(at most 1\)
#include <ctnn/net.hpp>

using Net = ctnn::Sequential<ctnn::Input<28, 28>, ctnn::Dense<10>>;
Net net;
