// FlushDenormals: FTZ and DAZ on while the guard lives, the previous mode
// back after it, checked on real arithmetic.
#include <catch2/catch.hpp>
#include <ctnn/simd/denormals.hpp>

#include <limits>

namespace {
// volatile: computed at run time, under the current MXCSR.
float half_of_smallest_normal() {
    volatile float x = std::numeric_limits<float>::min();
    return x / 2;
}
float denormal_times_one() {
    volatile float d = std::numeric_limits<float>::denorm_min();
    volatile float one = 1;
    return d * one;
}
}  // namespace

TEST_CASE("FlushDenormals flushes denormals while alive and restores the mode", "[simd][denormals]") {
    if (!CTNN_HAS_MXCSR) {
        CHECK_FALSE(ctnn::FlushDenormals::active());
        return;
    }
    REQUIRE_FALSE(ctnn::FlushDenormals::active());
    CHECK(half_of_smallest_normal() == std::numeric_limits<float>::min() / 2);
    CHECK(denormal_times_one() == std::numeric_limits<float>::denorm_min());
    {
        ctnn::FlushDenormals guard;
        CHECK(ctnn::FlushDenormals::active());
        CHECK(half_of_smallest_normal() == 0.0f);  // FTZ: a denormal result is 0
        CHECK(denormal_times_one() == 0.0f);       // DAZ: a denormal input is 0
        {
            ctnn::simd::FlushDenormals nested;
            CHECK(ctnn::FlushDenormals::active());
        }
        // The inner guard restores the outer one's mode, not the default.
        CHECK(ctnn::FlushDenormals::active());
    }
    CHECK_FALSE(ctnn::FlushDenormals::active());
    CHECK(half_of_smallest_normal() == std::numeric_limits<float>::min() / 2);
}
