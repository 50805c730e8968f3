#pragma once
/// \file real.hpp
/// `real`: a number usable as a template argument on every supported
/// compiler (clang 14 does not take `float`/`double` template parameters).
/// It converts implicitly from a floating literal, so `Dropout<0.5>` and
/// `LeakyReLU<0.01f>` read naturally; the value is kept to 1e-9. A float
/// literal keeps the decimal it was written as: `0.1f` (0.100000001490116...)
/// is 0.1, so `Dropout<0.1f>` is `Dropout<0.1>` and prints so.

#include <charconv>
#include <cstdint>
#include <string>

namespace ctnn {

struct real {
    std::int64_t nano;  ///< the value times 1e9, rounded to nearest

    constexpr real(double v) : nano(rounded(v * 1e9)) {}
    constexpr real(float v) : nano(from_float(v)) {}
    constexpr double value() const noexcept { return double(nano) / 1e9; }
    friend constexpr bool operator==(real, real) = default;
    /// The value as written: the shortest decimal that reads back the same
    /// (`0.1`, not `0.100000`).
    std::string str() const {
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, value());
        return std::string(buf, r.ptr);
    }

private:
    static constexpr std::int64_t rounded(double x) noexcept {
        return static_cast<std::int64_t>(x + (x >= 0 ? 0.5 : -0.5));
    }
    /// The fewest decimals (up to 9) that read back as the same float.
    static constexpr std::int64_t from_float(float v) noexcept {
        std::int64_t scale = 1;
        for (int k = 0; k < 9; ++k, scale *= 10) {
            const std::int64_t m = rounded(double(v) * double(scale));
            if (static_cast<float>(double(m) / double(scale)) == v) return m * (1'000'000'000 / scale);
        }
        return rounded(double(v) * 1e9);
    }
};

}  // namespace ctnn
