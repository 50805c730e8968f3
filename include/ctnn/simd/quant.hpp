#pragma once
/// \file quant.hpp
/// Reduced-precision GEMV at batch 1: bf16 weights (FP32 accumulate) and
/// int8 weights (int32 accumulate), `y[o] = Σ_i w[o,i]·x[i]` then a float
/// epilogue. Each kernel has two paths that give the same bits:
///  - with AVX512_BF16 (`vdpbf16ps`) / AVX512_VNNI (`vpdpbusd`): tiles of 16
///    rows of W against one 512-bit load of x, 16 accumulators, reduced by
///    one transposing tree;
///  - a portable path that emulates those instructions exactly (bf16 → f32
///    is a 16-bit shift, a product of two bf16 is exact in f32, so the only
///    roundings are the ones `vdpbf16ps` makes: one per pair, odd element
///    first, results flushed to zero; the integer path is exact anyway).
/// `Portable = true` forces the second path (tests compare them bit for bit).
///
/// Layouts (what `quant/` stores): W row-major with `padded_rows(Out)` rows
/// (zero rows past `Out`) of `bf16_in<In>` / `int8_in<In>` elements (zeros
/// past `In`), x staged in the same padded width, 64-byte aligned. The
/// epilogue vectors (bias, scales, corrections) have `padded_rows(Out)`
/// entries; only `y[0, Out)` is written. Nothing allocates.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/config.hpp"
#include "arch.hpp"  // <immintrin.h>, read with GCC 12's false -Wuninitialized off (see there)

namespace ctnn::simd::quant {

/// Whether this target has the instructions (otherwise the exact emulation runs).
#if defined(__AVX512F__) && defined(__AVX512BF16__) && defined(__AVX512BW__)
#define CTNN_QUANT_BF16_SIMD 1
inline constexpr bool have_bf16_dot = true;
#else
inline constexpr bool have_bf16_dot = false;
#endif
#if defined(__AVX512F__) && defined(__AVX512VNNI__) && defined(__AVX512BW__)
#define CTNN_QUANT_VNNI_SIMD 1
inline constexpr bool have_vnni = true;
#else
inline constexpr bool have_vnni = false;
#endif

constexpr std::size_t round_up(std::size_t n, std::size_t m) noexcept { return (n + m - 1) / m * m; }
/// Rows of one tile (one 512-bit vector of float or int32 results).
inline constexpr std::size_t tile_rows = 16;
template <std::size_t Out>
inline constexpr std::size_t padded_rows = round_up(Out, tile_rows);
/// Padded row widths: one 512-bit load is 32 bf16 or 64 int8.
template <std::size_t In>
inline constexpr std::size_t bf16_in = round_up(In, 32);
template <std::size_t In>
inline constexpr std::size_t int8_in = round_up(In, 64);

// ---- bf16 ----------------------------------------------------------------------

/// float → bf16, round to nearest even, as `vcvtneps2bf16`: NaN stays a
/// (quiet) NaN, a subnormal input becomes a zero of its sign.
constexpr std::uint16_t to_bf16(float f) noexcept {
    std::uint32_t u = std::bit_cast<std::uint32_t>(f);
    if ((u & 0x7f800000u) == 0) return std::uint16_t((u >> 16) & 0x8000u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return std::uint16_t((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return std::uint16_t(u >> 16);
}
/// bf16 → float: exact (the 16 bits become the top half).
constexpr float from_bf16(std::uint16_t b) noexcept { return std::bit_cast<float>(std::uint32_t(b) << 16); }

namespace detail {
/// A subnormal result becomes a zero of its sign (`vdpbf16ps` flushes, whatever MXCSR says).
inline float flush(float v) noexcept { return std::fabs(v) < 0x1p-126f ? std::copysign(0.0f, v) : v; }

/// The reduction order of the SIMD tiles: lanes (l, l+8), then (l, l+4), (l, l+2), (l, l+1).
template <class V>
inline V tree16(V* t) noexcept {
    for (std::size_t h = 8; h >= 1; h /= 2)
        for (std::size_t l = 0; l < h; ++l) t[l] = t[l] + t[l + h];
    return t[0];
}

#if defined(CTNN_QUANT_BF16_SIMD) || defined(CTNN_QUANT_VNNI_SIMD)
/// Sums the lanes of 16 vectors (in the order of `tree16`); lane j of the
/// result is the sum of `a[j]`. `Add` adds two vectors (float or int32 bits).
template <class Add>
CTNN_INLINE __m512 reduce16(const __m512* a, Add add) noexcept {
    // The shuffles leave row 4k+q of their input in lane 4q+k: feed the rows transposed.
    __m512 u[8], w[4], s[2];
    for (int k = 0; k < 8; ++k) {
        const __m512 v0 = a[((2 * k) % 4) * 4 + (2 * k) / 4], v1 = a[((2 * k + 1) % 4) * 4 + (2 * k + 1) / 4];
        u[k] = add(_mm512_shuffle_f32x4(v0, v1, 0x44), _mm512_shuffle_f32x4(v0, v1, 0xEE));  // (l, l+8)
    }
    for (int j = 0; j < 4; ++j)
        w[j] = add(_mm512_shuffle_f32x4(u[2 * j], u[2 * j + 1], 0x88),
                   _mm512_shuffle_f32x4(u[2 * j], u[2 * j + 1], 0xDD));  // (l, l+4)
    for (int i = 0; i < 2; ++i)
        s[i] = add(_mm512_shuffle_ps(w[2 * i], w[2 * i + 1], 0x44), _mm512_shuffle_ps(w[2 * i], w[2 * i + 1], 0xEE));
    return add(_mm512_shuffle_ps(s[0], s[1], 0x88), _mm512_shuffle_ps(s[0], s[1], 0xDD));  // (l, l+2), (l, l+1)
}
/// Mask of the outputs of the tile that starts at `r0`.
template <std::size_t Out>
CTNN_INLINE __mmask16 tile_mask(std::size_t r0) noexcept {
    return r0 + tile_rows <= Out ? __mmask16(0xffff) : __mmask16((1u << (Out - r0)) - 1u);
}
#endif
}  // namespace detail

/// `xb[0, bf16_in<In>)` = x rounded to bf16 (`to_bf16`), zeros past `In`.
template <std::size_t In, bool Portable = false>
CTNN_REALTIME inline void to_bf16_n(const float* x, std::uint16_t* xb) noexcept {
#ifdef CTNN_QUANT_BF16_SIMD
    if constexpr (!Portable) {
        for (std::size_t i = 0; i < bf16_in<In>; i += 32) {
            const auto m = [&](std::size_t at) {
                return at >= In ? __mmask16(0) : at + 16 <= In ? __mmask16(0xffff) : __mmask16((1u << (In - at)) - 1u);
            };
            const __m512 lo = _mm512_maskz_loadu_ps(m(i), x + i), hi = _mm512_maskz_loadu_ps(m(i + 16), x + i + 16);
            _mm512_store_si512(xb + i, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
        }
        return;
    }
#endif
    for (std::size_t i = 0; i < bf16_in<In>; ++i) xb[i] = i < In ? to_bf16(x[i]) : std::uint16_t(0);
}

/// `y[o] = Σ_i w[o,i]·xb[i] + bias[o]` for o < Out, with bf16 `w` and `xb`
/// (layouts above) and FP32 accumulation in the order `vdpbf16ps` takes.
template <std::size_t Out, std::size_t In, bool Portable = false>
CTNN_REALTIME inline void gemv_bf16(const std::uint16_t* w, const std::uint16_t* xb, const float* bias,
                                    float* y) noexcept {
    constexpr std::size_t width = bf16_in<In>;
#ifdef CTNN_QUANT_BF16_SIMD
    if constexpr (!Portable) {
        for (std::size_t r0 = 0; r0 < Out; r0 += tile_rows) {
            __m512 acc[tile_rows];
            for (auto& a : acc) a = _mm512_setzero_ps();
            for (std::size_t k = 0; k < width; k += 32) {
                const __m512bh xv = (__m512bh)_mm512_load_si512(xb + k);
                for (std::size_t r = 0; r < tile_rows; ++r)
                    acc[r] = _mm512_dpbf16_ps(acc[r], (__m512bh)_mm512_load_si512(w + (r0 + r) * width + k), xv);
            }
            const __m512 s = detail::reduce16(acc, [](__m512 a, __m512 b) { return _mm512_add_ps(a, b); });
            _mm512_mask_storeu_ps(y + r0, detail::tile_mask<Out>(r0), _mm512_add_ps(s, _mm512_load_ps(bias + r0)));
        }
        return;
    }
#endif
    for (std::size_t o = 0; o < Out; ++o) {
        float lane[16] = {};
        const std::uint16_t* row = w + o * width;
        for (std::size_t k = 0; k < width; k += 32)
            for (std::size_t l = 0; l < 16; ++l) {
                const std::size_t i = k + 2 * l;
                lane[l] = detail::flush(lane[l] + from_bf16(row[i + 1]) * from_bf16(xb[i + 1]));
                lane[l] = detail::flush(lane[l] + from_bf16(row[i]) * from_bf16(xb[i]));
            }
        y[o] = detail::tree16(lane) + bias[o];
    }
}

// ---- int8 ----------------------------------------------------------------------

/// How float activations become uint8: `q = clamp(round(x·inv_scale), lo, hi) + zero_point`,
/// rounding to nearest even (NaN → lo). `zero_point` 0 (inputs known to be
/// ≥ 0: q in [0, 255]) or 128 (signed: q - 128 in [-127, 127]).
struct u8_input {
    float scale = 0;      ///< x ≈ scale · (q - zero_point)
    float inv_scale = 0;  ///< 1 / scale (0 when scale is 0)
    std::int32_t zero_point = 0;
    constexpr float lo() const noexcept { return zero_point == 0 ? 0.0f : -127.0f; }
    constexpr float hi() const noexcept { return zero_point == 0 ? 255.0f : 127.0f; }
};

/// One weight row in int8: `scale = max|w| / 127`, `q[i] = round(w[i] / scale)`
/// (nearest even; all zeros, scale 0, for an all-zero row). Returns the scale
/// and `Σ q` (for the zero-point correction). What `quant::dense_int8` and
/// `ctnn-embed --quantize int8` both run, so their arrays agree bit for bit.
struct int8_row {
    float scale;
    std::int32_t sum;
};
inline int8_row quantize_int8_row(const float* w, std::size_t n, std::int8_t* q) noexcept {
    float m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(w[i]));
    const float s = m / 127.0f;
    std::int32_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float v = s > 0 ? std::nearbyint(std::clamp(w[i] / s, -127.0f, 127.0f)) : 0.0f;
        q[i] = std::int8_t(v);
        sum += std::int32_t(v);
    }
    return {s, sum};
}

/// `q[0, int8_in<In>)` = x quantized by `in`; `zero_point` past `In` (a zero).
template <std::size_t In, bool Portable = false>
CTNN_REALTIME inline void to_u8_n(const float* x, const u8_input& in, std::uint8_t* q) noexcept {
#ifdef CTNN_QUANT_VNNI_SIMD
    if constexpr (!Portable) {
        const __m512 s = _mm512_set1_ps(in.inv_scale), lo = _mm512_set1_ps(in.lo()), hi = _mm512_set1_ps(in.hi());
        const __m512i zp = _mm512_set1_epi32(in.zero_point);
        for (std::size_t i = 0; i < int8_in<In>; i += 16) {
            const __mmask16 m =
                i >= In ? __mmask16(0) : i + 16 <= In ? __mmask16(0xffff) : __mmask16((1u << (In - i)) - 1u);
            __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), s);
            v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
            const __m512i n = _mm512_add_epi32(_mm512_cvtps_epi32(v), zp);
            _mm_store_si128(reinterpret_cast<__m128i*>(q + i), _mm512_cvtepi32_epi8(n));
        }
        return;
    }
#endif
    const float lo = in.lo(), hi = in.hi();
    for (std::size_t i = 0; i < int8_in<In>; ++i) {
        float v = (i < In ? x[i] : 0.0f) * in.inv_scale;
        v = v > lo ? v : lo;  // as vmaxps(v, lo): NaN gives lo
        v = v < hi ? v : hi;
        q[i] = std::uint8_t(std::int32_t(std::nearbyint(v)) + in.zero_point);
    }
}

/// `y[o] = fma(float(Σ_i x[i]·w[o,i] - correction[o]), scale[o], bias[o])`
/// for o < Out: uint8 `x`, int8 `w`, exact int32 sums (`vpdpbusd`, no
/// saturation; exact while 255·127·In < 2³¹). `correction[o]` is
/// zero_point·Σ_i w[o,i], `scale[o]` the weight row's scale times the input's.
template <std::size_t Out, std::size_t In, bool Portable = false>
CTNN_REALTIME inline void gemv_int8(const std::int8_t* w, const std::uint8_t* x, const std::int32_t* correction,
                                    const float* scale, const float* bias, float* y) noexcept {
    constexpr std::size_t width = int8_in<In>;
    static_assert(255.0 * 127.0 * double(In) < 2147483648.0, "ctnn: an int8 row this long could overflow int32");
#ifdef CTNN_QUANT_VNNI_SIMD
    if constexpr (!Portable) {
        for (std::size_t r0 = 0; r0 < Out; r0 += tile_rows) {
            __m512i acc[tile_rows];
            for (auto& a : acc) a = _mm512_setzero_si512();
            for (std::size_t k = 0; k < width; k += 64) {
                const __m512i xv = _mm512_load_si512(x + k);
                for (std::size_t r = 0; r < tile_rows; ++r)
                    acc[r] = _mm512_dpbusd_epi32(acc[r], xv, _mm512_load_si512(w + (r0 + r) * width + k));
            }
            __m512 bits[tile_rows];
            for (std::size_t r = 0; r < tile_rows; ++r) bits[r] = _mm512_castsi512_ps(acc[r]);
            const __m512i s = _mm512_castps_si512(detail::reduce16(bits, [](__m512 a, __m512 b) {
                return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(a), _mm512_castps_si512(b)));
            }));
            const __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(s, _mm512_load_si512(correction + r0)));
            _mm512_mask_storeu_ps(y + r0, detail::tile_mask<Out>(r0),
                                  _mm512_fmadd_ps(f, _mm512_load_ps(scale + r0), _mm512_load_ps(bias + r0)));
        }
        return;
    }
#endif
    for (std::size_t o = 0; o < Out; ++o) {
        std::int32_t acc = 0;
        const std::int8_t* row = w + o * width;
        for (std::size_t i = 0; i < width; ++i) acc += std::int32_t(x[i]) * std::int32_t(row[i]);
        y[o] = std::fma(float(acc - correction[o]), scale[o], bias[o]);
    }
}

}  // namespace ctnn::simd::quant
