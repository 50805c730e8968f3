// expect: ctnn: map broadcasts an input only along leading dimensions
// expect: map_broadcast_ok<ctnn::Tensor<float, 8, 1>, ctnn::Tensor<float, 8, 4> ?>
#include <ctnn/simd/map.hpp>

void f() {
    ctnn::Tensor<float, 8, 4> out;
    ctnn::Tensor<float, 8, 1> col;  // broadcastable, but along the inner dimension
    ctnn::simd::map([](auto a, auto b) { return a + b; }, out, out, col);
}
