// Harness sanity: two ctnn errors (two broken networks) without
// `// allow-second-ctnn-error`, so its check must fail.
// expect: ctnn: this layer works on a flat sample \(rank 1\): put Flatten before it
// harness-must-fail: 2 ctnn errors: one mistake must give one error
#include <ctnn/net.hpp>

using A = ctnn::Sequential<ctnn::Input<28, 28>, ctnn::Dense<10>>;
using B = ctnn::Sequential<ctnn::Input<3, 3>, ctnn::Softmax>;
A a;
B b;
