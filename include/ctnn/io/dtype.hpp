#pragma once
/// \file dtype.hpp
/// The element types ctnn reads and writes on disk (f16, bf16, f32, f64, all
/// little-endian; and i64, which PyTorch uses for BatchNorm's
/// `num_batches_tracked`, read and written as exact integers up to 2⁵³), their sizes and names, and the conversions between them
/// and float/double: f16 and bf16 round to nearest, ties to even (what
/// PyTorch's `.half()` and `.bfloat16()` do); NaN stays NaN.

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace ctnn::io {

/// An element type on disk.
enum class dtype { f16, bf16, f32, f64, i64 };

/// Bytes of one element.
constexpr std::size_t dtype_size(dtype t) noexcept {
    switch (t) {
        case dtype::f16:
        case dtype::bf16: return 2;
        case dtype::f32: return 4;
        case dtype::f64:
        case dtype::i64: return 8;
    }
    return 0;
}

/// safetensors' name of the type ("F16", "BF16", "F32", "F64", "I64").
constexpr std::string_view dtype_name(dtype t) noexcept {
    switch (t) {
        case dtype::f16: return "F16";
        case dtype::bf16: return "BF16";
        case dtype::f32: return "F32";
        case dtype::f64: return "F64";
        case dtype::i64: return "I64";
    }
    return "?";
}

/// The dtype of float or double.
template <class T>
inline constexpr dtype dtype_of = std::is_same_v<T, double> ? dtype::f64 : dtype::f32;

namespace detail {

/// IEEE binary16 bits -> float (exact).
constexpr float f16_to_float(std::uint16_t h) noexcept {
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1Fu;
    std::uint32_t mant = h & 0x3FFu;
    if (exp == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mant << 13));  // Inf, NaN
    if (exp != 0) return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
    if (mant == 0) return std::bit_cast<float>(sign);
    // Subnormal: mant * 2^-24, exact in float.
    const float v = float(mant) * (1.0f / 16777216.0f);
    return sign ? -v : v;
}

/// float -> IEEE binary16 bits, round to nearest even; overflow -> Inf.
constexpr std::uint16_t float_to_f16(float f) noexcept {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    const std::uint16_t sign = std::uint16_t((x >> 16) & 0x8000u);
    const std::uint32_t ax = x & 0x7FFFFFFFu;
    if (ax >= 0x7F800000u) return std::uint16_t(sign | 0x7C00u | (ax > 0x7F800000u ? 0x200u : 0u));  // Inf, NaN
    if (ax >= 0x477FF000u) return std::uint16_t(sign | 0x7C00u);  // rounds to >= 65520: Inf
    if (ax < 0x38800000u) {
        // Result subnormal (or zero): value / 2^-24 rounded to nearest even.
        const float a = std::bit_cast<float>(ax) * 16777216.0f;  // exact: a power-of-two scale
        auto q = std::uint32_t(a);
        const float rest = a - float(q);
        if (rest > 0.5f || (rest == 0.5f && (q & 1u))) ++q;
        return std::uint16_t(sign | q);  // q == 0x400 is the smallest normal: the bits say so
    }
    const std::uint32_t e = (ax >> 23) - 112;
    std::uint32_t m = ax & 0x7FFFFFu;
    std::uint32_t h = (e << 10) | (m >> 13);
    const std::uint32_t round = m & 0x1FFFu;
    if (round > 0x1000u || (round == 0x1000u && (h & 1u))) ++h;  // a carry into the exponent is correct
    return std::uint16_t(sign | h);
}

/// bfloat16 bits -> float (exact).
constexpr float bf16_to_float(std::uint16_t b) noexcept { return std::bit_cast<float>(std::uint32_t(b) << 16); }

/// float -> bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN.
constexpr std::uint16_t float_to_bf16(float f) noexcept {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    if ((x & 0x7FFFFFFFu) > 0x7F800000u) return std::uint16_t((x >> 16) | 0x40u);
    return std::uint16_t((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

/// Little-endian loads and stores, whatever the host's byte order.
template <class U>
constexpr U load_le(const std::uint8_t* p) noexcept {
    U v = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) v |= U(p[i]) << (8 * i);
    return v;
}
template <class U>
constexpr void store_le(std::uint8_t* p, U v) noexcept {
    for (std::size_t i = 0; i < sizeof(U); ++i) p[i] = std::uint8_t(v >> (8 * i));
}

/// Element `i` of little-endian data of type `t`, as a double (exact).
inline double load_element(dtype t, const std::uint8_t* data, std::size_t i) noexcept {
    switch (t) {
        case dtype::f16: return f16_to_float(load_le<std::uint16_t>(data + 2 * i));
        case dtype::bf16: return bf16_to_float(load_le<std::uint16_t>(data + 2 * i));
        case dtype::f32: return std::bit_cast<float>(load_le<std::uint32_t>(data + 4 * i));
        case dtype::f64: return std::bit_cast<double>(load_le<std::uint64_t>(data + 8 * i));
        case dtype::i64: return double(std::int64_t(load_le<std::uint64_t>(data + 8 * i)));
    }
    return 0;
}

/// Stores `v` (float or double) as element `i` of type `t`; f16 and bf16
/// round from float (a double is first rounded to float).
template <class T>
void store_element(dtype t, std::uint8_t* data, std::size_t i, T v) noexcept {
    switch (t) {
        case dtype::f16: store_le(data + 2 * i, float_to_f16(float(v))); break;
        case dtype::bf16: store_le(data + 2 * i, float_to_bf16(float(v))); break;
        case dtype::f32: store_le(data + 4 * i, std::bit_cast<std::uint32_t>(float(v))); break;
        case dtype::f64: store_le(data + 8 * i, std::bit_cast<std::uint64_t>(double(v))); break;
        case dtype::i64: store_le(data + 8 * i, std::uint64_t(std::int64_t(std::llround(double(v))))); break;
    }
}

}  // namespace detail
}  // namespace ctnn::io
