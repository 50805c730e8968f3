#pragma once
/// \file machine.hpp
/// The machine's limits, measured once per process: the single-core FMA
/// peak (GFLOP/s, float and double) and the read and copy bandwidths (GB/s;
/// a copy counts bytes read plus bytes written) of L1, L2, L3 and DRAM, with buffers sized from the
/// cache sizes the kernel reports (`/sys/devices/system/cpu/cpu0/cache`, or
/// `sysconf`). Also what a benchmark's context says about the machine: the
/// CPU model, the SIMD architecture ctnn compiled for, the FTZ/DAZ state,
/// the compiler and the load average. No Google Benchmark here.
///
/// `limits()` measures on first use (about 0.5 s) and caches
/// the result; `CTNN_PEAK_GFLOPS` overrides the measured float peak.

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include <time.h>    // clock_gettime
#include <unistd.h>  // sysconf

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>  // MXCSR
#endif

#include "../simd/probe.hpp"
#include "roofline.hpp"

namespace ctnn::bench {

namespace machine_detail {

/// "32K", "1024K", "4M" (sysfs's cache sizes) in bytes; 0 when unreadable.
inline std::size_t parse_size(const std::string& s) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (end == s.c_str()) return 0;
    std::size_t m = 1;
    if (*end == 'K' || *end == 'k') m = 1024;
    else if (*end == 'M' || *end == 'm') m = 1024 * 1024;
    else if (*end == 'G' || *end == 'g') m = std::size_t(1) << 30;
    return std::size_t(v) * m;
}

inline std::string read_line(const std::string& path) {
    std::ifstream f(path);
    std::string line;
    if (f) std::getline(f, line);
    return line;
}

/// CPU time of this thread in seconds: a timing is not charged for the time
/// the thread waited for a core (the machine may be shared).
inline double thread_seconds() noexcept {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

/// Seconds per call of `run()`: the best of `reps` windows, each repeating
/// it for at least `min_s` of CPU time. Many short windows: interference
/// only ever slows a window down, so the best one is the machine's own speed.
template <class Run>
double best_time(Run run, int reps, double min_s) {
    // calls between two clock reads: enough for 50 µs, so reading the
    // clock (a system call) costs nothing measurable
    std::size_t batch = 1;
    for (;;) {
        const double t0 = thread_seconds();
        for (std::size_t k = 0; k < batch; ++k) run();
        if (thread_seconds() - t0 >= 5e-5 || batch >= (std::size_t(1) << 24)) break;
        batch *= 2;
    }
    double best = 1e300;
    for (int r = 0; r < reps; ++r) {
        std::size_t calls = 0;
        const double t0 = thread_seconds();
        double elapsed = 0;
        do {
            for (std::size_t k = 0; k < batch; ++k) run();
            calls += batch;
            elapsed = thread_seconds() - t0;
        } while (elapsed < min_s);
        best = std::min(best, elapsed / double(calls));
    }
    return best;
}

/// Read and copy bandwidths (GB/s; a copy counts read + written) with
/// buffers of `bytes` each.
struct stream_rates {
    double read = 0, copy = 0;
};
inline stream_rates stream_bandwidth(std::size_t bytes, int reps, double min_s) {
    const std::size_t n = (std::max<std::size_t>(bytes / sizeof(float), 64) + 15) / 16 * 16;
    // 64-byte aligned: a pack load never straddles two cache lines
    struct release {
        void operator()(float* p) const noexcept { std::free(p); }
    };
    std::unique_ptr<float[], release> a(static_cast<float*>(std::aligned_alloc(64, n * sizeof(float)))),
        b(static_cast<float*>(std::aligned_alloc(64, n * sizeof(float))));
    if (!a || !b) return {};
    for (std::size_t i = 0; i < n; ++i) a[i] = float(i % 251);
    simd::copy(b.get(), a.get(), n);  // first touch and warm-up
    stream_rates r;
    const double copy_s = best_time(
        [&] {
            simd::copy(b.get(), a.get(), n);
            asm volatile("" ::"r"(b.get()) : "memory");  // the copy is used
        },
        reps, min_s);
    float sink = 0;
    const double read_s = best_time(
        [&] {
            sink += simd::read(a.get(), n);
            asm volatile("" ::"r"(a.get()) : "memory");
        },
        reps, min_s);
    volatile float keep = sink;  // the sums are used
    (void)keep;
    r.copy = 2.0 * double(n * sizeof(float)) / copy_s / 1e9;
    r.read = double(n * sizeof(float)) / read_s / 1e9;
    return r;
}

template <class T>
double fma_peak(double min_s) {
    T acc[simd::fma_chains];
    for (std::size_t k = 0; k < simd::fma_chains; ++k) acc[k] = T(k + 1);
    double flops = 0;
    constexpr std::size_t rounds = 4096;
    const double s = best_time(
        [&] {
            flops = simd::fma_throughput<T>(acc, rounds);
            asm volatile("" ::"r"(acc) : "memory");
        },
        25, min_s);
    return flops / s / 1e9;
}

}  // namespace machine_detail

/// Data cache sizes of the CPU the process runs on (bytes; 0 unknown).
[[nodiscard]] inline cache_sizes read_cache_sizes() {
    cache_sizes c;
    for (int i = 0; i < 8; ++i) {
        const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
        const std::string level = machine_detail::read_line(dir + "level");
        if (level.empty()) break;
        const std::string type = machine_detail::read_line(dir + "type");
        if (type == "Instruction") continue;
        const std::size_t size = machine_detail::parse_size(machine_detail::read_line(dir + "size"));
        if (level == "1") c.l1 = size;
        else if (level == "2") c.l2 = size;
        else if (level == "3") c.l3 = size;
    }
#if defined(_SC_LEVEL1_DCACHE_SIZE)
    if (!c.l1) c.l1 = std::size_t(std::max(0L, sysconf(_SC_LEVEL1_DCACHE_SIZE)));
    if (!c.l2) c.l2 = std::size_t(std::max(0L, sysconf(_SC_LEVEL2_CACHE_SIZE)));
    if (!c.l3) c.l3 = std::size_t(std::max(0L, sysconf(_SC_LEVEL3_CACHE_SIZE)));
#endif
    if (!c.l1) c.l1 = 32 * 1024;  // the common sizes when nothing says
    if (!c.l2) c.l2 = 1024 * 1024;
    return c;
}

/// Measures the limits of this machine (one core), each the best of several
/// timings (other processes only slow a timing down): about 0.5 s.
[[nodiscard]] inline machine_limits measure_machine() {
    machine_limits m;
    m.caches = read_cache_sizes();
    m.peak_gflops_float = machine_detail::fma_peak<float>(0.002);
    m.peak_gflops_double = machine_detail::fma_peak<double>(0.002);
    // a read buffer, or a copy's source and destination together, fill at
    // most half the level (L1) or a quarter of it: they stay there
    const std::size_t l3 = m.caches.l3;
    // DRAM: twice the last level, between 64 and 128 MB a side (a virtual
    // machine may report an L3 of hundreds of MB: then this is a lower bound)
    const std::size_t dram = std::min<std::size_t>(std::max<std::size_t>(l3 * 2, 64u << 20), 128u << 20);
    const machine_detail::stream_rates rates[4] = {
        machine_detail::stream_bandwidth(m.caches.l1 / 4, 25, 0.002),
        machine_detail::stream_bandwidth(m.caches.l2 / 8, 25, 0.002),
        l3 ? machine_detail::stream_bandwidth(std::min<std::size_t>(l3 / 8, 32u << 20), 9, 0.005)
           : machine_detail::stream_rates{},
        machine_detail::stream_bandwidth(dram, 5, 0.02)};
    for (std::size_t k = 0; k < 4; ++k) {
        m.bandwidth_gbs[k] = rates[k].read;
        m.copy_gbs[k] = rates[k].copy;
    }
    if (!l3) {  // no L3: the level is never chosen; keep the table monotone
        m.bandwidth_gbs[2] = m.bandwidth_gbs[1];
        m.copy_gbs[2] = m.copy_gbs[1];
    }
    if (const char* env = std::getenv("CTNN_PEAK_GFLOPS")) {
        const double v = std::strtod(env, nullptr);
        if (v > 0) {
            m.peak_gflops_float = v;
            m.peak_overridden = true;
        }
    }
    return m;
}

/// This machine's limits, measured on the first call and cached.
[[nodiscard]] inline const machine_limits& limits() {
    static const machine_limits m = measure_machine();
    return m;
}

/// The CPU's model name (`/proc/cpuinfo`), or "unknown".
[[nodiscard]] inline std::string cpu_model() {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
        }
    }
    return "unknown";
}

/// Whether flush-to-zero and denormals-are-zero are both on in this thread.
[[nodiscard]] inline bool ftz_daz_on() noexcept {
#if defined(__SSE__)
    return (_mm_getcsr() & 0x8040u) == 0x8040u;
#else
    return false;
#endif
}

/// Turns flush-to-zero and denormals-are-zero on in this thread; returns
/// whether both are on now.
inline bool enable_ftz_daz() noexcept {
#if defined(__SSE__)
    _mm_setcsr(_mm_getcsr() | 0x8040u);
#endif
    return ftz_daz_on();
}

/// The compiler that built the benchmark.
[[nodiscard]] inline std::string compiler() {
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

/// Load average of the last minute per online core (negative when unknown).
[[nodiscard]] inline double load_per_core() noexcept {
    double avg[1];
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (getloadavg(avg, 1) != 1 || cores <= 0) return -1;
    return avg[0] / double(cores);
}

}  // namespace ctnn::bench
