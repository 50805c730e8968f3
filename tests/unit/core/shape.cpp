// Shape<Dims...>: rank, size, extents, strides, str() and the shape concepts.
#include <catch2/catch.hpp>
#include <ctnn/core/shape.hpp>

#include <array>
#include <cstddef>

using ctnn::Shape;

TEST_CASE("Shape holds rank, size and extents as constants", "[core][shape]") {
    using S = Shape<2, 3, 5, 7>;
    STATIC_REQUIRE(S::rank == 4);
    STATIC_REQUIRE(S::size == 210);
    STATIC_REQUIRE(S::dims == std::array<std::size_t, 4>{2, 3, 5, 7});
    STATIC_REQUIRE(S::extent(0) == 2);
    STATIC_REQUIRE(S::extent(3) == 7);
    // Negative indices count from the back.
    STATIC_REQUIRE(S::extent(-1) == 7);
    STATIC_REQUIRE(S::extent(-4) == 2);

    STATIC_REQUIRE(Shape<784>::rank == 1);
    STATIC_REQUIRE(Shape<784>::size == 784);
    STATIC_REQUIRE(Shape<64, 1, 10>::size == 640);
    // The empty shape is a scalar: one element.
    STATIC_REQUIRE(Shape<>::rank == 0);
    STATIC_REQUIRE(Shape<>::size == 1);
}

TEST_CASE("Shape strides are row-major, in elements", "[core][shape]") {
    STATIC_REQUIRE(Shape<7>::strides == std::array<std::size_t, 1>{1});
    STATIC_REQUIRE(Shape<64, 128>::strides == std::array<std::size_t, 2>{128, 1});
    STATIC_REQUIRE(Shape<2, 3, 5>::strides == std::array<std::size_t, 3>{15, 5, 1});
    STATIC_REQUIRE(Shape<2, 3, 5, 7>::strides == std::array<std::size_t, 4>{105, 35, 7, 1});
    // Extents of 1 keep the stride of the dimension inside them.
    STATIC_REQUIRE(Shape<4, 1, 3>::strides == std::array<std::size_t, 3>{3, 3, 1});
}

TEST_CASE("Shape::str() prints the extents in brackets", "[core][shape]") {
    CHECK(Shape<64, 128>::str() == "[64, 128]");
    CHECK(Shape<784>::str() == "[784]");
    CHECK(Shape<2, 3, 5, 7>::str() == "[2, 3, 5, 7]");
    CHECK(Shape<1, 1>::str() == "[1, 1]");
    CHECK(Shape<>::str() == "[]");
}

TEST_CASE("Shape concepts accept ranks 1 to 4 with positive extents", "[core][shape]") {
    using namespace ctnn;
    STATIC_REQUIRE(AnyShape<Shape<>>);
    STATIC_REQUIRE(AnyShape<Shape<0>>);
    STATIC_REQUIRE(!AnyShape<int>);
    STATIC_REQUIRE(!AnyShape<std::array<std::size_t, 2>>);

    STATIC_REQUIRE(TensorRank<Shape<3>>);
    STATIC_REQUIRE(TensorRank<Shape<1, 2, 3, 4>>);
    STATIC_REQUIRE(!TensorRank<Shape<>>);
    STATIC_REQUIRE(!TensorRank<Shape<1, 2, 3, 4, 5>>);

    STATIC_REQUIRE(NonEmptyExtents<Shape<1, 1>>);
    STATIC_REQUIRE(!NonEmptyExtents<Shape<3, 0>>);

    STATIC_REQUIRE(ValidShape<Shape<64, 784>>);
    STATIC_REQUIRE(ValidShape<Shape<1>>);
    STATIC_REQUIRE(!ValidShape<Shape<>>);
    STATIC_REQUIRE(!ValidShape<Shape<0, 4>>);
    STATIC_REQUIRE(!ValidShape<Shape<2, 2, 2, 2, 2>>);
    STATIC_REQUIRE(!ValidShape<float>);
}
