// expect: ctnn: the output tensor must have the product's shape \[Out\]
// expect: output_shape_matches<ctnn::Shape<10>, ctnn::Shape<64> ?>
#include <ctnn/simd/gemv.hpp>

void f() {
    ctnn::Tensor<float, 10, 64> w;  // [Out, In]
    ctnn::Tensor<float, 64> x;      // [In]
    ctnn::Tensor<float, 64> y;      // [In] instead of [Out]
    ctnn::simd::gemv(w, x, y);
}
