// expect: ctnn: map needs every input shape to broadcast to the output shape
// expect: Tensor<float, 5>, ctnn::Tensor<float, 4, 3> ?>
#include <ctnn/simd/map.hpp>

void f() {
    ctnn::Tensor<float, 4, 3> out;
    ctnn::Tensor<float, 5> in;
    ctnn::simd::map([](auto v) { return v; }, out, in);
}
