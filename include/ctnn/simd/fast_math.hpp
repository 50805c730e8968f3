#pragma once
/// \file fast_math.hpp
/// Branch-free `exp`, `tanh`, `sigmoid` and `silu` for float packs (and plain
/// floats, with the same arithmetic, so a pack's tail lanes agree with its
/// body). Each is a fixed sequence of FMAs, one or two selects and at most
/// one division: no table, no branch on the data, no call. `simd::exp` and
/// `simd::tanh` (arch.hpp) are these for `float` at run time. `double`
/// takes xsimd's functions.
///
/// Maximum errors, measured over all 2^32 float inputs (every finite value,
/// ±inf, NaN) against double precision `std::exp`/`std::tanh`, with
/// `CTNN_FAST_MATH_EXHAUSTIVE=1` on tests/unit/simd/fast_math.cpp (which by
/// default checks every 97th bit pattern plus every input of the ranges
/// where the errors peak). "ulp" is the float spacing at the exact result,
/// so a correctly rounded function has 0.5; "relative" is over normal
/// results.
///
/// | function | AVX-512 with FMA (g++ 12) | plain x86-64, SSE2, no FMA (g++ 12) | relative (FMA / SSE2) |
/// |---|---|---|---|
/// | `fast_exp`     | 1.01 ulp (subnormal results 0.75) | 0.99 ulp | 8.5e-8 / 8.2e-8 |
/// | `fast_tanh`    | 5.59 ulp | 5.90 ulp | 3.5e-7 / 3.5e-7 |
/// | `fast_sigmoid` | 2.40 ulp (subnormal results 0.75) | 2.40 ulp | 1.8e-7 / 1.8e-7 |
/// | `fast_silu`    | 3.19 ulp for x >= -87.34 | 3.19 ulp | 2.3e-7 / 2.3e-7 |
///
/// Below x = -87.34, e^x is subnormal and silu's relative error grows to
/// 5.5e-6 (its results are below 1.1e-36 there; with flush-to-zero on they
/// are 0). NaN in gives NaN out for all four.
///
/// Edges: `exp` is `+inf` above 88.7228 and for `+inf`, 0 below -103.97 and
/// for `-inf`, subnormal in between (scaling by 2^n in two exact steps);
/// `tanh` is ±1 from ±7.9988 and keeps the sign of zero.
/// Cost per pack: `exp` 12 FMA/mul, 2 min/max and 6 integer operations;
/// `tanh` 12 FMA/mul and a division; `sigmoid` an exp and a division.

#include <bit>
#include <cstdint>
#include <type_traits>

#include "arch.hpp"

namespace ctnn::simd {

namespace detail {
/// a·b + c: one FMA for packs (where the target has it), a·b + c for floats.
template <class V>
CTNN_INLINE V fm_add(const V& a, const V& b, const V& c) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        return a * b + c;
    else
        return fused_multiply_add(a, b, c);
}

/// The 32-bit integer pack (or int) with the same lanes as `V`.
template <class V>
struct int_pack {
    using type = std::int32_t;
};
template <class A>
struct int_pack<xsimd::batch<float, A>> {
    using type = xsimd::batch<std::int32_t, A>;
};

template <class V>
CTNN_INLINE typename int_pack<V>::type to_bits(const V& v) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        return std::bit_cast<std::int32_t>(v);
    else
        return xsimd::bitwise_cast<typename int_pack<V>::type>(v);
}
template <class V>
CTNN_INLINE V from_bits(const typename int_pack<V>::type& i) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        return std::bit_cast<float>(i);
    else
        return xsimd::bitwise_cast<V>(i);
}
/// min/max as x86 computes them: `b` when either is NaN (so a NaN in `b`
/// survives a clamp against constants in `a`), for packs and floats alike.
template <class V>
CTNN_INLINE V min_of(const V& a, const V& b) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        return a < b ? a : b;
    else
        return xsimd::min(a, b);
}
template <class V>
CTNN_INLINE V max_of(const V& a, const V& b) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        return a > b ? a : b;
    else
        return xsimd::max(a, b);
}
template <class V>
CTNN_INLINE V abs_of(const V& v) noexcept {
    return from_bits<V>(to_bits(v) & typename int_pack<V>::type(0x7fffffff));
}
/// NaN lanes (not `v != v`: xsimd 8.1's AVX-512 `!=` is an ordered compare,
/// false for NaN).
template <class V>
CTNN_INLINE auto is_nan(const V& v) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        return v != v;
    else
        return xsimd::isnan(v);
}
}  // namespace detail

/// e^x for float packs and floats. Cody-Waite reduction x = n·ln2 + r,
/// |r| <= ln2/2 (n rounded with the 1.5·2^23 trick, no rounding instruction
/// needed), degree-7 polynomial for e^r (Cephes' expf coefficients), then a
/// scaling by 2^n built from the exponent bits in two halves, so results
/// down to the smallest subnormal are right and no input needs a branch.
/// Errors: see the file's table.
template <class V>
CTNN_INLINE V fast_exp(const V& x) noexcept {
    using I = typename detail::int_pack<V>::type;
    const V magic(12582912.0f);  // 1.5·2^23: adding it rounds to an integer
    // clamped so that n stays in [-150, 129]: beyond, the result is 0 or inf anyway
    const V xc = detail::max_of(V(-104.0f), detail::min_of(V(89.0f), x));
    const V t = detail::fm_add(xc, V(1.44269504088896341f), magic);
    const V n = t - magic;
    V r = detail::fm_add(n, V(-0.693359375f), xc);  // ln2's high part: n·hi is exact
    r = detail::fm_add(n, V(2.12194440e-4f), r);     // and its low part
    V p(1.9875691500e-4f);
    p = detail::fm_add(p, r, V(1.3981999507e-3f));
    p = detail::fm_add(p, r, V(8.3334519073e-3f));
    p = detail::fm_add(p, r, V(4.1665795894e-2f));
    p = detail::fm_add(p, r, V(1.6666665459e-1f));
    p = detail::fm_add(p, r, V(5.0000001201e-1f));
    const V e = detail::fm_add(p, r * r, r) + V(1.0f);
    // n from t's low bits (t = 1.5·2^23 + n exactly); 2^n = 2^n1 · 2^n2,
    // both halves normal floats
    const I ni = detail::to_bits(t) - detail::to_bits(magic);
    const I n1 = ni >> 1;
    const I n2 = ni - n1;
    const V s1 = detail::from_bits<V>((n1 + I(127)) << 23);
    const V s2 = detail::from_bits<V>((n2 + I(127)) << 23);
    return simd::select(detail::is_nan(x), x, e * s1 * s2);
}

/// tanh(x) for float packs and floats: ±1 beyond ±7.9988, below an
/// odd/even rational x·P(x²)/Q(x²) of degrees 13 and 6 (the coefficients of
/// Eigen 3.4's `generic_fast_tanh_float`), evaluated by Estrin's scheme: 12
/// FMA/mul in 4 dependent steps and a division, no exp; |x| < 0.0004
/// returns x. A tanh via exp measured 1.5 ulp but 1.6x this one's latency
/// (the latency is what a batch-1 network waits for). Errors: see the
/// file's table.
template <class V>
CTNN_INLINE V fast_tanh(const V& x) noexcept {
    // Estrin's scheme: P and Q in z = x² in 3 dependent FMA steps, not 6
    // (Horner's scheme: 4.9 ulp instead of 5.5, but 1.4x the latency)
    const V z = x * x;
    const V z2 = z * z;
    const V z4 = z2 * z2;
    const V p01 = detail::fm_add(V(6.37261928875436e-04f), z, V(4.89352455891786e-03f));
    const V p23 = detail::fm_add(V(5.12229709037114e-08f), z, V(1.48572235717979e-05f));
    const V p45 = detail::fm_add(V(2.00018790482477e-13f), z, V(-8.60467152213735e-11f));
    const V p46 = detail::fm_add(V(-2.76076847742355e-16f), z2, p45);
    const V p = detail::fm_add(p46, z4, detail::fm_add(p23, z2, p01));
    const V q01 = detail::fm_add(V(2.26843463243900e-03f), z, V(4.89352518554385e-03f));
    const V q23 = detail::fm_add(V(1.19825839466702e-06f), z, V(1.18534705686654e-04f));
    const V q = detail::fm_add(q23, z2, q01);
    // from 7.9988 on the quotient is within an ulp of ±1 (either side; it
    // overflows to NaN for huge x): there the result is ±1 exactly, with x's
    // sign. A NaN x fails both tests and stays NaN.
    using I = typename detail::int_pack<V>::type;
    const V a = detail::abs_of(x);
    const V one = detail::from_bits<V>(detail::to_bits(V(1.0f)) | (detail::to_bits(x) & I(INT32_MIN)));
    return simd::select(a < V(0.0004f), x, simd::select(a >= V(7.99881172180175781f), one, x * p / q));
}

/// The logistic function 1 / (1 + e^-x) for float packs and floats, as
/// 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = e^-|x| (never
/// an overflowing e^-x, so the tiny results of large negative x keep their
/// precision).
/// Errors: see the file's table.
template <class V>
CTNN_INLINE V fast_sigmoid(const V& x) noexcept {
    const V e = fast_exp(-detail::abs_of(x));
    return simd::select(x < V(0.0f), e, V(1.0f)) / (V(1.0f) + e);
}

/// SiLU (swish) x · sigmoid(x) for float packs and floats. Errors: see the
/// file's table.
template <class V>
CTNN_INLINE V fast_silu(const V& x) noexcept {
    return x * fast_sigmoid(x);
}

}  // namespace ctnn::simd
