#pragma once
/// \file fast_math.hpp
/// Branch-free `exp`, `tanh`, `sigmoid`, `silu`, `erf` and `gelu` for float packs (and plain
/// floats, with the same arithmetic, so a pack's tail lanes agree with its
/// body). Each is a fixed sequence of FMAs, one or two selects and at most
/// one division: no table, no branch on the data, no call. `simd::exp` and
/// `simd::tanh` (arch.hpp) and `simd::erf` (math.hpp) are these for `float`
/// at run time; `Tanh`, `GELUTanh` (tanh), `GELU` (`fast_gelu`, and erf in
/// its derivative), `Sigmoid` and `SiLU` (exp) in layers/activation.hpp use
/// them. `double` takes xsimd's functions.
///
/// Maximum errors, measured over all 2^32 float inputs (every finite value,
/// ±inf, NaN) against double precision `std::exp`/`std::tanh`/`std::erf`
/// (GELU: x·erfc(-x/√2)/2), with
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
/// | `fast_erf`     | 5.68 ulp, absolute 3.4e-7 | 6.31 ulp, absolute 3.8e-7 (*) | 3.4e-7 / 3.8e-7 |
/// | `fast_gelu`    | 3.43 ulp for x >= 0; absolute 9.0e-7 for x < 0 | 3.56 ulp; absolute 1.07e-6 (*) | 2.3e-7 / 2.5e-7 (x >= 0) |
///
/// (*) not exhaustive: every 97th bit pattern plus every float of the
/// ranges where the FMA build's maxima lie ([3, 4] and [3, 5.7], both signs).
///
/// Below x = -87.34, e^x is subnormal and silu's relative error grows to
/// 5.5e-6 (its results are below 1.1e-36 there; with flush-to-zero on they
/// are 0). NaN in gives NaN out for all six.
///
/// GELU below 0 is x·(1/2 + (Φ(x) - 1/2)), the cancellation PyTorch's float
/// formula has too (its own float result is off by up to ~|x|·3e-8 there);
/// its relative error is not bounded where Φ(x) is below ~1e-6.
/// `GELUTanh` is x·(1 + fast_tanh(u))/2 (activation.hpp), within
/// |x|·tanh's bound of PyTorch's formula.
///
/// Edges: `exp` is `+inf` above 88.7228 and for `+inf`, 0 below -103.97 and
/// for `-inf`, subnormal in between (scaling by 2^n in two exact steps);
/// `tanh` is ±1 from ±7.9988 and keeps the sign of zero; `erf` is ±1 from
/// ±4 and keeps the sign of zero; `gelu` is x from 4√2 on (and +inf for
/// +inf), 0 below -4√2 (and for -inf).
/// Cost per pack: `exp` 12 FMA/mul, 2 min/max and 6 integer operations;
/// `tanh` 12 FMA/mul and a division; `sigmoid` an exp and a division;
/// `erf` and `gelu` 11-12 FMA/mul, a division, 4 min/max (gelu a select).

#include <array>
#include <bit>
#include <cstddef>
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

namespace detail {
/// erf(y) ≈ y·P(y²)/Q(y²) on |y| <= 4, P and Q of degree 5: a rational
/// fitted for ctnn to erf's relative error (linearised least squares, then
/// Lawson reweighting; 2.5e-8 in double). Beyond |y| = 4, erf is within
/// 1.6e-8 of ±1, under half a float ulp.
inline constexpr double erf_p[] = {1.128379139343282,      0.19354505442065364,   0.053101747496678814,
                                   0.0038833447172064561, 0.00028456609947670794, 1.9867846652751294e-06};
inline constexpr double erf_q[] = {1, 0.504857394223444, 0.11534999927293706, 0.015207252037095435,
                                   0.0011855716801150694, 3.7420209572153682e-05};
/// The float coefficients of erf's P and Q (rows 0, 1) and of the same
/// rational in x = √2·y scaled for Φ(x) - 1/2 = erf(x/√2)/2 (rows 2, 3),
/// rounded once from the double values at compile time.
inline constexpr auto erf_coefficients = [] {
    std::array<std::array<float, 6>, 4> c{};
    for (int i = 0; i < 6; ++i) {
        double half_pow = 1.0;  // 2^-i
        for (int j = 0; j < i; ++j) half_pow *= 0.5;
        c[0][std::size_t(i)] = float(erf_p[i]);
        c[1][std::size_t(i)] = float(erf_q[i]);
        c[2][std::size_t(i)] = float(erf_p[i] * half_pow * 0.35355339059327376);  // 1/(2√2)
        c[3][std::size_t(i)] = float(erf_q[i] * half_pow);
    }
    return c;
}();
/// Row `Row` of erf_coefficients at t, by Horner's scheme (5 FMAs).
template <std::size_t Row, class V>
CTNN_INLINE V erf_poly(const V& t) noexcept {
    constexpr auto& c = erf_coefficients[Row];
    V r(c[5]);
    r = fm_add(r, t, V(c[4]));
    r = fm_add(r, t, V(c[3]));
    r = fm_add(r, t, V(c[2]));
    r = fm_add(r, t, V(c[1]));
    return fm_add(r, t, V(c[0]));
}
}  // namespace detail

/// erf(x) for float packs and floats: ±1 from |x| = 4 on, below a rational
/// x·P(x²)/Q(x²) of degrees 11 and 10 (Horner's scheme, 10 FMAs and a
/// division), clamped to [-1, 1]; keeps the sign of zero, NaN gives NaN.
/// Errors: see the file's table.
template <class V>
CTNN_INLINE V fast_erf(const V& x) noexcept {
    const V xc = detail::max_of(V(-4.0f), detail::min_of(V(4.0f), x));
    const V t = xc * xc;
    const V r = xc * detail::erf_poly<0>(t) / detail::erf_poly<1>(t);
    return detail::max_of(V(-1.0f), detail::min_of(V(1.0f), r));
}

/// GELU x·Φ(x) = x·(1 + erf(x/√2))/2 (PyTorch's `nn.GELU()`) for float
/// packs and floats. Φ(x) - 1/2 is fast_erf's rational with x/√2 folded
/// into its coefficients (no rounding of x/√2), for |x| <= 4√2; beyond, the
/// result is x (x >= 4√2) or 0 (x < -4√2, and -inf). Like PyTorch's float
/// formula, 1/2 + (Φ - 1/2) loses Φ's relative precision for x < -2, so
/// the error is stated as absolute there. NaN gives NaN.
/// Errors: see the file's table.
template <class V>
CTNN_INLINE V fast_gelu(const V& x) noexcept {
    constexpr float cut = 5.65685424949238f;  // 4√2
    const V xc = detail::max_of(V(-cut), detail::min_of(V(cut), x));
    const V t = xc * xc;
    // erf(x/√2)/2 = x·(1/(2√2))·P(x²/2)/Q(x²/2)
    const V h = xc * detail::erf_poly<2>(t) / detail::erf_poly<3>(t);
    const V phi = detail::min_of(V(1.0f), V(0.5f) + h);
    return simd::select(x < V(-cut), V(0.0f), x * phi);
}

}  // namespace ctnn::simd
