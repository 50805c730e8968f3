#pragma once
/// \file roofline.hpp
/// The roofline model, as plain arithmetic (no timing, no Google
/// Benchmark): a workload of `flops` over a working set of `bytes` has the
/// arithmetic intensity flops/bytes; its working set lives in the smallest
/// memory level that holds it (L1, L2, L3, DRAM); it can reach at most
/// min(peak, intensity × bandwidth of that level), and is *compute bound*
/// when the peak is the smaller term, *memory bound* (at that level)
/// otherwise.

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>

namespace ctnn::bench {

/// Data cache sizes in bytes (0: no such level).
struct cache_sizes {
    std::size_t l1 = 0, l2 = 0, l3 = 0;
};

/// The memory levels a working set can live in.
enum class memory_level : unsigned char { l1, l2, l3, dram };

[[nodiscard]] constexpr const char* name(memory_level l) noexcept {
    switch (l) {
        case memory_level::l1: return "L1";
        case memory_level::l2: return "L2";
        case memory_level::l3: return "L3";
        default: return "DRAM";
    }
}

/// What one core of the machine can do: FMA peaks (GFLOP/s) and the
/// bandwidth of each level (GB/s), indexed by `memory_level`: reading
/// (`bandwidth_gbs`, the roofline's memory roofs: a network mostly reads
/// its weights and activations) and copying (`copy_gbs`, bytes read +
/// written, for reference).
struct machine_limits {
    cache_sizes caches;
    double peak_gflops_float = 0;
    double peak_gflops_double = 0;
    std::array<double, 4> bandwidth_gbs{};
    std::array<double, 4> copy_gbs{};
    bool peak_overridden = false;  ///< CTNN_PEAK_GFLOPS replaced the measured float peak

    template <class T>
    [[nodiscard]] constexpr double peak_gflops() const noexcept {
        return sizeof(T) == 8 ? peak_gflops_double : peak_gflops_float;
    }
    [[nodiscard]] constexpr double bandwidth(memory_level l) const noexcept {
        return bandwidth_gbs[std::size_t(l)];
    }
};

/// The smallest level that holds `bytes` (a level of size 0 is skipped).
[[nodiscard]] constexpr memory_level level_of(std::size_t bytes, const cache_sizes& c) noexcept {
    if (c.l1 && bytes <= c.l1) return memory_level::l1;
    if (c.l2 && bytes <= c.l2) return memory_level::l2;
    if (c.l3 && bytes <= c.l3) return memory_level::l3;
    return memory_level::dram;
}

/// Where a workload sits on the roofline.
struct roofline_point {
    double intensity = 0;        ///< flops per byte of the working set
    memory_level level{};        ///< where the working set lives
    double peak_gflops = 0;      ///< the compute roof
    double bandwidth_gbs = 0;    ///< the memory roof's slope (that level)
    double attainable_gflops = 0;  ///< min(peak, intensity × bandwidth)
    bool compute_bound = false;  ///< the peak is the lower roof

    /// "compute" or "memory (L2)".
    [[nodiscard]] std::string bound() const {
        return compute_bound ? std::string("compute") : std::string("memory (") + name(level) + ")";
    }
};

/// Places `flops` over a working set of `bytes` on the roofline of `m` for
/// element type `T`.
template <class T>
[[nodiscard]] constexpr roofline_point classify(double flops, std::size_t bytes, const machine_limits& m) noexcept {
    roofline_point p;
    p.intensity = bytes ? flops / double(bytes) : 0.0;
    p.level = level_of(bytes, m.caches);
    p.peak_gflops = m.peak_gflops<T>();
    p.bandwidth_gbs = m.bandwidth(p.level);
    const double memory_roof = p.intensity * p.bandwidth_gbs;
    p.compute_bound = memory_roof >= p.peak_gflops;
    p.attainable_gflops = std::min(p.peak_gflops, memory_roof);
    return p;
}

}  // namespace ctnn::bench
