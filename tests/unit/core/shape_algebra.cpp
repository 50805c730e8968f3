// Result shapes of matmul, broadcasting, transpose and reshape, and the
// predicates behind their static_asserts (the failing cases themselves are
// compile-fail tests).
#include <catch2/catch.hpp>
#include <ctnn/core/shape_algebra.hpp>

#include <type_traits>

using ctnn::Shape;
using std::is_same_v;

TEST_CASE("matmul_shape_t: matrix, batched matrix and matrix-vector products", "[core][shape_algebra]") {
    using ctnn::matmul_shape_t;
    STATIC_REQUIRE(is_same_v<matmul_shape_t<Shape<2, 3>, Shape<3, 4>>, Shape<2, 4>>);
    STATIC_REQUIRE(is_same_v<matmul_shape_t<Shape<64, 784>, Shape<784, 128>>, Shape<64, 128>>);
    STATIC_REQUIRE(is_same_v<matmul_shape_t<Shape<1, 1>, Shape<1, 1>>, Shape<1, 1>>);
    // Batched: the leading extents carry over.
    STATIC_REQUIRE(is_same_v<matmul_shape_t<Shape<5, 2, 3>, Shape<3, 4>>, Shape<5, 2, 4>>);
    STATIC_REQUIRE(is_same_v<matmul_shape_t<Shape<6, 5, 2, 3>, Shape<3, 7>>, Shape<6, 5, 2, 7>>);
    // Matrix-vector: the vector's extent disappears.
    STATIC_REQUIRE(is_same_v<matmul_shape_t<Shape<128, 784>, Shape<784>>, Shape<128>>);
    STATIC_REQUIRE(is_same_v<matmul_shape_t<Shape<5, 2, 3>, Shape<3>>, Shape<5, 2>>);
}

TEST_CASE("matmul predicates: operand ranks and inner extents", "[core][shape_algebra]") {
    using namespace ctnn::detail;
    STATIC_REQUIRE(matmul_operand_ranks<Shape<2, 3>, Shape<3>>);
    STATIC_REQUIRE(matmul_operand_ranks<Shape<1, 2, 2, 3>, Shape<3, 1>>);
    STATIC_REQUIRE(!matmul_operand_ranks<Shape<3>, Shape<3, 2>>);
    STATIC_REQUIRE(!matmul_operand_ranks<Shape<2, 3>, Shape<2, 3, 4>>);
    STATIC_REQUIRE(!matmul_operand_ranks<Shape<1, 1, 1, 2, 3>, Shape<3, 4>>);
    STATIC_REQUIRE(inner_extents_match<Shape<2, 3>, Shape<3, 9>>);
    STATIC_REQUIRE(!inner_extents_match<Shape<64, 128>, Shape<64, 10>>);
}

TEST_CASE("broadcast_shape_t: trailing extents equal or 1", "[core][shape_algebra]") {
    using ctnn::broadcast_shape_t;
    STATIC_REQUIRE(is_same_v<broadcast_shape_t<Shape<64, 10>, Shape<10>>, Shape<64, 10>>);
    STATIC_REQUIRE(is_same_v<broadcast_shape_t<Shape<10>, Shape<64, 10>>, Shape<64, 10>>);
    STATIC_REQUIRE(is_same_v<broadcast_shape_t<Shape<3, 4>, Shape<3, 4>>, Shape<3, 4>>);
    // Extents of 1 stretch, on either side.
    STATIC_REQUIRE(is_same_v<broadcast_shape_t<Shape<64, 1>, Shape<1, 10>>, Shape<64, 10>>);
    STATIC_REQUIRE(is_same_v<broadcast_shape_t<Shape<3, 1, 5>, Shape<4, 1>>, Shape<3, 4, 5>>);
    STATIC_REQUIRE(is_same_v<broadcast_shape_t<Shape<1>, Shape<7>>, Shape<7>>);
    STATIC_REQUIRE(is_same_v<broadcast_shape_t<Shape<1, 1>, Shape<1>>, Shape<1, 1>>);
    STATIC_REQUIRE(is_same_v<broadcast_shape_t<Shape<2, 1, 3, 1>, Shape<5, 1, 4>>, Shape<2, 5, 3, 4>>);
}

TEST_CASE("broadcast predicates", "[core][shape_algebra]") {
    using namespace ctnn::detail;
    STATIC_REQUIRE(broadcastable<Shape<64, 10>, Shape<10>>);
    STATIC_REQUIRE(broadcastable<Shape<64, 1>, Shape<1, 10>>);
    STATIC_REQUIRE(!broadcastable<Shape<64, 10>, Shape<64>>);
    STATIC_REQUIRE(!broadcastable<Shape<2, 3>, Shape<3, 3>>);
    // broadcasts_to: the first shape stretches to exactly the second.
    STATIC_REQUIRE(broadcasts_to<Shape<10>, Shape<64, 10>>);
    STATIC_REQUIRE(broadcasts_to<Shape<1, 10>, Shape<64, 10>>);
    STATIC_REQUIRE(broadcasts_to<Shape<64, 10>, Shape<64, 10>>);
    STATIC_REQUIRE(!broadcasts_to<Shape<64, 10>, Shape<10>>);
    STATIC_REQUIRE(!broadcasts_to<Shape<64, 1>, Shape<1, 10>>);
}

TEST_CASE("transpose_shape_t swaps a matrix's extents", "[core][shape_algebra]") {
    using ctnn::transpose_shape_t;
    STATIC_REQUIRE(is_same_v<transpose_shape_t<Shape<2, 3>>, Shape<3, 2>>);
    STATIC_REQUIRE(is_same_v<transpose_shape_t<Shape<128, 784>>, Shape<784, 128>>);
    STATIC_REQUIRE(is_same_v<transpose_shape_t<Shape<1, 5>>, Shape<5, 1>>);
    STATIC_REQUIRE(is_same_v<transpose_shape_t<transpose_shape_t<Shape<7, 9>>>, Shape<7, 9>>);
    STATIC_REQUIRE(!ctnn::detail::is_matrix<Shape<3>>);
    STATIC_REQUIRE(!ctnn::detail::is_matrix<Shape<2, 3, 4>>);
}

TEST_CASE("reshape_shape_t keeps the element count", "[core][shape_algebra]") {
    using ctnn::reshape_shape_t;
    STATIC_REQUIRE(is_same_v<reshape_shape_t<Shape<2, 3>, Shape<6>>, Shape<6>>);
    STATIC_REQUIRE(is_same_v<reshape_shape_t<Shape<2, 3>, Shape<3, 2>>, Shape<3, 2>>);
    STATIC_REQUIRE(is_same_v<reshape_shape_t<Shape<64, 1, 28, 28>, Shape<64, 784>>, Shape<64, 784>>);
    STATIC_REQUIRE(is_same_v<reshape_shape_t<Shape<16>, Shape<2, 2, 2, 2>>, Shape<2, 2, 2, 2>>);
    STATIC_REQUIRE(ctnn::detail::same_element_count<Shape<4, 4>, Shape<2, 8>>);
    STATIC_REQUIRE(!ctnn::detail::same_element_count<Shape<4, 4>, Shape<15>>);
}
