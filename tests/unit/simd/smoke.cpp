#include <catch2/catch.hpp>
#include <ctnn/simd/gemv.hpp>
TEST_CASE("gemv smoke: 2x3 times 3-vector plus bias") {
    ctnn::Tensor<float, 2, 3> w{1, 2, 3, 4, 5, 6};
    ctnn::Tensor<float, 3> x{1, 1, 2};
    ctnn::Tensor<float, 2> b{10, 20}, y;
    ctnn::simd::gemv(w, x, y, ctnn::simd::epilogue::bias<float>{b.data()});
    CHECK(y(0) == 19.0f);
    CHECK(y(1) == 41.0f);
}
