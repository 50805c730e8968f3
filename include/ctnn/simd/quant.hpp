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
/// Layouts (what `quant/` stores), 64-byte aligned:
///  - bf16: W row-major with `padded_rows(Out)` rows (zero rows past `Out`)
///    of `bf16_in<In>` elements (zeros past `In`), x staged in the same width;
///  - int8: W in *column quads* (`int8_at`): per tile of 16 rows, for each
///    quad j of inputs, the 16 rows' weights 4j..4j+3 in one 64-byte line, so
///    one `vpdpbusd` against x[4j..4j+3] broadcast adds to all 16 rows with
///    no horizontal sum; `int8_weight_bytes<Out, In>` bytes (In padded to a
///    multiple of 4 only); x staged in `int8_in<In>` bytes.
/// The epilogue vectors (bias, scales, corrections) have `padded_rows(Out)`
/// entries; only `y[0, Out)` is written. Nothing allocates.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

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
/// int8 W: quads of inputs per row, bytes of the whole array, and where w[o, i] lives in it.
template <std::size_t In>
inline constexpr std::size_t int8_quads = (In + 3) / 4;
template <std::size_t Out, std::size_t In>
inline constexpr std::size_t int8_weight_bytes = padded_rows<Out> * int8_quads<In> * 4;
template <std::size_t In>
constexpr std::size_t int8_at(std::size_t o, std::size_t i) noexcept {
    return (o / tile_rows) * int8_quads<In> * 64 + (i / 4) * 64 + (o % tile_rows) * 4 + i % 4;
}

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
/// Mask of `n` < 16 lanes (all 16 for n >= 16).
constexpr __mmask16 first_lanes(std::size_t n) noexcept {
    return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1u);
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
/// ... each code `q` of `w[i]` handed to `store(i, q)` (a layout of the caller's).
template <class Store>
int8_row quantize_int8_row(const float* w, std::size_t n, Store&& store) noexcept {
    float m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(w[i]));
    const float s = m / 127.0f;
    std::int32_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float v = s > 0 ? std::nearbyint(std::clamp(w[i] / s, -127.0f, 127.0f)) : 0.0f;
        store(i, std::int8_t(v));
        sum += std::int32_t(v);
    }
    return {s, sum};
}
/// ... the codes written to `q[0, n)`.
inline int8_row quantize_int8_row(const float* w, std::size_t n, std::int8_t* q) noexcept {
    return quantize_int8_row(w, n, [q](std::size_t i, std::int8_t v) noexcept { q[i] = v; });
}

#ifdef CTNN_QUANT_VNNI_SIMD
namespace detail {
/// 64 inputs from `x` (the first `N` of them; zeros after) to 64 bytes at `q`:
/// scale, clamp and round as the portable path, then two signed packs
/// (exact: the codes are in [-127, 255]), the zero point added in 16 bits,
/// one unsigned pack and a permutation back to input order.
template <std::size_t N>
CTNN_INLINE void to_u8_64(const float* x, __m512 s, __m512 lo, __m512 hi, __m512i zp, std::uint8_t* q) noexcept {
    __m512i n[4];
    for (std::size_t k = 0; k < 4; ++k) {
        const __m512 v = N >= 16 * (k + 1) ? _mm512_loadu_ps(x + 16 * k)
                         : N > 16 * k     ? _mm512_maskz_loadu_ps(first_lanes(N - 16 * k), x + 16 * k)
                                          : _mm512_setzero_ps();
        n[k] = _mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(v, s), lo), hi));
    }
    const __m512i a = _mm512_add_epi16(_mm512_packs_epi32(n[0], n[1]), zp);
    const __m512i b = _mm512_add_epi16(_mm512_packs_epi32(n[2], n[3]), zp);
    // 128-bit lane L of the pack holds n[k][4L, 4L + 4) as its dword k.
    const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
    _mm512_store_si512(q, _mm512_permutexvar_epi32(order, _mm512_packus_epi16(a, b)));
}
}  // namespace detail
#endif

/// `q[0, int8_in<In>)` = x quantized by `in`; `zero_point` past `In` (a zero).
template <std::size_t In, bool Portable = false>
CTNN_REALTIME inline void to_u8_n(const float* x, const u8_input& in, std::uint8_t* q) noexcept {
#ifdef CTNN_QUANT_VNNI_SIMD
    if constexpr (!Portable) {
        const __m512 s = _mm512_set1_ps(in.inv_scale), lo = _mm512_set1_ps(in.lo()), hi = _mm512_set1_ps(in.hi());
        const __m512i zp = _mm512_set1_epi16(std::int16_t(in.zero_point));
        constexpr std::size_t whole = In / 64 * 64;
        for (std::size_t i = 0; i < whole; i += 64) detail::to_u8_64<64>(x + i, s, lo, hi, zp, q + i);
        if constexpr (whole < In) detail::to_u8_64<In - whole>(x + whole, s, lo, hi, zp, q + whole);
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

#ifdef CTNN_QUANT_VNNI_SIMD
namespace detail {
/// `acc + x·w` by `vpdpbusd`, W read from memory. g++ 12 copies each
/// accumulator twice per loop iteration around the intrinsic (and spills
/// one when 16 are live: measured, bench/probes/int8_gemv.cpp); the same
/// instruction as inline asm on a value it owns keeps them in place.
CTNN_INLINE __m512i dpbusd(__m512i acc, __m512i x, const std::int8_t* w) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
    __asm__("vpdpbusd {%2, %1, %0|%0, %1, %2}" : "+v"(acc) : "v"(x), "m"(*reinterpret_cast<const __m512i*>(w)));
    return acc;
#else
    return _mm512_dpbusd_epi32(acc, x, _mm512_load_si512(w));
#endif
}
/// Tiles of 16 rows at once that share each broadcast of x.
inline constexpr std::size_t int8_group = 4;
/// G tiles (rows r0 .. r0 + 16G) of the column-quad layout: C independent
/// accumulators per tile (about 16 in flight: `vpdpbusd` has 5 cycles of
/// latency, two a cycle), x[4j, 4j + 4) broadcast once per quad for the G
/// tiles, then per tile the C sums added and `fma(float(acc - corr), scale, bias)`.
template <std::size_t Out, std::size_t Quads, std::size_t G>
CTNN_INLINE void int8_tiles(const std::int8_t* w, const std::uint8_t* x, std::size_t r0,
                            const std::int32_t* correction, const float* scale, const float* bias, float* y) noexcept {
    constexpr std::size_t C = G >= 4 ? 4 : 8, tile_bytes = Quads * 64;
    __m512i acc[G][C];
    for (auto& a : acc)
        for (auto& c : a) c = _mm512_setzero_si512();
    const auto quad = [&](std::size_t j, std::size_t c) CTNN_INLINE_LAMBDA {
        std::int32_t xj;
        std::memcpy(&xj, x + 4 * j, 4);
        const __m512i xv = _mm512_set1_epi32(xj);
        for (std::size_t g = 0; g < G; ++g) acc[g][c] = dpbusd(acc[g][c], xv, w + g * tile_bytes + j * 64);
    };
    std::size_t j = 0;
    for (; j + C <= Quads; j += C)
        for (std::size_t c = 0; c < C; ++c) quad(j + c, c);
    for (std::size_t c = 0; c < Quads % C; ++c) quad(j + c, c);
    for (std::size_t g = 0; g < G; ++g) {
        __m512i s = acc[g][0];
        for (std::size_t c = 1; c < C; ++c) s = _mm512_add_epi32(s, acc[g][c]);
        const std::size_t r = r0 + g * tile_rows;
        const __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(s, _mm512_load_si512(correction + r)));
        _mm512_mask_storeu_ps(y + r, tile_mask<Out>(r), _mm512_fmadd_ps(f, _mm512_load_ps(scale + r), _mm512_load_ps(bias + r)));
    }
}
}  // namespace detail
#endif

/// `y[o] = fma(float(Σ_i x[i]·w[o,i] - correction[o]), scale[o], bias[o])`
/// for o < Out: uint8 `x`, int8 `w` (column quads, `int8_at`), exact int32
/// sums (`vpdpbusd`, no saturation; exact while 255·127·In < 2³¹, in any
/// order). `correction[o]` is zero_point·Σ_i w[o,i], `scale[o]` the weight
/// row's scale times the input's.
template <std::size_t Out, std::size_t In, bool Portable = false>
CTNN_REALTIME inline void gemv_int8(const std::int8_t* w, const std::uint8_t* x, const std::int32_t* correction,
                                    const float* scale, const float* bias, float* y) noexcept {
    static_assert(255.0 * 127.0 * double(In) < 2147483648.0, "ctnn: an int8 row this long could overflow int32");
    constexpr std::size_t quads = int8_quads<In>;
#ifdef CTNN_QUANT_VNNI_SIMD
    if constexpr (!Portable) {
        constexpr std::size_t tiles = padded_rows<Out> / tile_rows, G = std::min(tiles, detail::int8_group);
        constexpr std::size_t whole = tiles / G * G;
        for (std::size_t t = 0; t < whole; t += G)
            detail::int8_tiles<Out, quads, G>(w + t * quads * 64, x, t * tile_rows, correction, scale, bias, y);
        if constexpr (whole < tiles)
            detail::int8_tiles<Out, quads, tiles - whole>(w + whole * quads * 64, x, whole * tile_rows, correction,
                                                          scale, bias, y);
        return;
    }
#endif
    for (std::size_t o = 0; o < Out; ++o) {
        std::int32_t acc = 0;
        for (std::size_t i = 0; i < quads * 4; ++i) acc += std::int32_t(x[i]) * std::int32_t(w[int8_at<In>(o, i)]);
        y[o] = std::fma(float(acc - correction[o]), scale[o], bias[o]);
    }
}

}  // namespace ctnn::simd::quant
