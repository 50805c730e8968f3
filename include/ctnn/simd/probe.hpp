#pragma once
/// \file probe.hpp
/// Kernels that measure the machine rather than compute anything: the
/// benchmark kit (`ctnn/bench/machine.hpp`) times them to find the
/// single-core FMA peak and the copy bandwidth of each cache level.
///
///  - `fma_throughput<T, A>(acc, rounds)`: `Acc` independent chains of
///    fused multiply-adds on packs of architecture `A`, enough of them to
///    cover the FMA latency on two ports, so the loop runs at the FMA units'
///    throughput; returns the floating-point operations done (2 per lane).
///  - `copy<T, A>(dst, src, n)`: `n` elements copied with pack loads and
///    stores (the read and write streams of a cache level);
///  - `read<T, A>(src, n)`: the sum of `n` elements, many streams at once
///    (reading alone: what inference mostly does).
/// Neither allocates; timing is the caller's.

#include <cstddef>
#include <utility>

#include "arch.hpp"

namespace ctnn::simd {

/// Independent FMA chains of `fma_throughput`: 12 covers a 4-cycle latency
/// on 2 ports with room to spare, and fits 16 registers with the operands.
inline constexpr std::size_t fma_chains = 12;

/// `rounds` rounds of `fma_chains` fused multiply-adds on packs of `A`,
/// starting from `acc[0..fma_chains)` (one value per chain, broadcast) and
/// writing each chain's sum of lanes back there, so the work is observable.
/// Returns the floating-point operations performed.
template <class T, class A = best_arch>
[[nodiscard]] inline double fma_throughput(T* acc, std::size_t rounds) noexcept {
    using P = pack_traits<T, A>;
    using V = typename P::type;
    const V m = P::splat(T(0.999999)), c = P::splat(T(1e-7));
    // the chains unrolled by a fold: each one a register, no loop over memory
    [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
        V a[] = {P::splat(acc[K])...};
        // x·m + c with m just under 1 stays bounded for any number of rounds
        for (std::size_t r = 0; r < rounds; ++r) ((a[K] = P::fma(a[K], m, c)), ...);
        ((acc[K] = P::sum(a[K])), ...);
    }(std::make_index_sequence<fma_chains>{});
    return 2.0 * double(P::width) * double(fma_chains) * double(rounds);
}

/// Copies `n` elements from `src` to `dst` with packs of `A` (scalars for
/// the tail); the buffers must not overlap.
template <class T, class A = best_arch>
inline void copy(T* __restrict dst, const T* __restrict src, std::size_t n) noexcept {
    using P = pack_traits<T, A>;
    constexpr std::size_t w = P::width;
    std::size_t i = 0;
    for (; i + 4 * w <= n; i += 4 * w) {
        const auto v0 = P::load(src + i), v1 = P::load(src + i + w), v2 = P::load(src + i + 2 * w),
                   v3 = P::load(src + i + 3 * w);
        P::store(dst + i, v0);
        P::store(dst + i + w, v1);
        P::store(dst + i + 2 * w, v2);
        P::store(dst + i + 3 * w, v3);
    }
    for (; i < n; ++i) dst[i] = src[i];
}

/// Streams `read` reads at once.
inline constexpr std::size_t read_streams = 8;

/// The sum of `n` elements read with packs of `A`: `read_streams` streams
/// (equal parts of the buffer, as a GEMV tile reads a pack of rows at once),
/// an accumulator each, so neither the adds' latency nor one stream's
/// prefetcher limits the loads.
template <class T, class A = best_arch>
[[nodiscard]] inline T read(const T* src, std::size_t n) noexcept {
    using P = pack_traits<T, A>;
    using V = typename P::type;
    constexpr std::size_t w = P::width;
    const std::size_t part = n / (read_streams * w) * w;  // whole packs a stream
    T total = T(0);
    [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
        V a[] = {(void(K), P::splat(T(0)))...};
        for (std::size_t i = 0; i < part; i += w) ((a[K] = a[K] + P::load(src + K * part + i)), ...);
        V sum = P::splat(T(0));
        ((sum = sum + a[K]), ...);
        total = P::sum(sum);
    }(std::make_index_sequence<read_streams>{});
    for (std::size_t i = read_streams * part; i < n; ++i) total += src[i];
    return total;
}

}  // namespace ctnn::simd
