#pragma once
/// \file real.hpp
/// `real`: a number usable as a template argument on every supported
/// compiler (clang 14 does not take `float`/`double` template parameters).
/// It converts implicitly from a floating literal, so `Dropout<0.5>` and
/// `LeakyReLU<0.01f>` read naturally; the value is kept to 1e-9.

#include <charconv>
#include <cstdint>
#include <string>

namespace ctnn {

struct real {
    std::int64_t nano;  ///< the value times 1e9, rounded to nearest

    constexpr real(double v) : nano(static_cast<std::int64_t>(v * 1e9 + (v >= 0 ? 0.5 : -0.5))) {}
    constexpr real(float v) : real(double(v)) {}
    constexpr double value() const noexcept { return double(nano) / 1e9; }
    friend constexpr bool operator==(real, real) = default;
    /// The value as written: the shortest decimal that reads back the same
    /// (`0.1`, not `0.100000`).
    std::string str() const {
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, value());
        return std::string(buf, r.ptr);
    }
};

}  // namespace ctnn
