#pragma once
/// \file common.hpp
/// What every benchmark binary (kernels.cpp, expr.cpp, net.cpp, train.cpp) shares
/// with the conventions of kernels.cpp: the agreement check that runs
/// before anything is timed, the timing loop with `GFLOP/s` and `pct_peak`
/// counters, flush-to-zero/denormals-are-zero on at start-up, and the
/// context lines of the JSON. Names are `<workload>/<impl>`.
///
/// These are thin wrappers over ctnn's benchmark kit (include/ctnn/bench/,
/// the same code users get with `ctnn/bench.hpp`): the peak is the kit's
/// measured FMA throughput (not a typed constant), the agreement error is
/// the kit's norm-wise relative error, FTZ/DAZ and the context (CPU,
/// caches, measured peaks and bandwidths, SIMD architecture, compiler,
/// load) come from the kit. The API is unchanged.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <immintrin.h>  // MXCSR flush-to-zero/denormals-are-zero

#include <benchmark/benchmark.h>
#include <Eigen/Core>

#include <ctnn/bench/check.hpp>
#include <ctnn/bench/machine.hpp>
#include <ctnn/bench/register.hpp>
#include <ctnn/simd/arch.hpp>

namespace ctnn_bench {

/// Single-core FP32 peak that `pct_peak` divides by: this machine's FMA
/// throughput, measured once by the kit (`ctnn::bench::limits()`, set by
/// `run_main` before any timing); CTNN_PEAK_GFLOPS overrides.
inline double peak_gflops = 0.0;

/// Largest relative difference ctnn and a peer may show on a workload.
inline constexpr double max_rel_error = 1e-4;

/// Fills `n` values at `p` uniform in [lo, hi].
inline void fill_uniform(float* p, std::size_t n, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    for (std::size_t i = 0; i < n; ++i) p[i] = dist(rng);
}
/// Fills `n` values at `p` with standard normal values (numpy's randn).
inline void fill_normal(float* p, std::size_t n, std::mt19937& rng) {
    std::normal_distribution<float> dist(0.0f, 1.0f);
    for (std::size_t i = 0; i < n; ++i) p[i] = dist(rng);
}

/// max |a - b| / max |b| over n values: a norm-wise relative error, so
/// values that cancel to near zero do not count as failures (the kit's).
inline double rel_error(const float* a, const float* b, std::size_t n) { return ctnn::bench::rel_error(a, b, n); }
/// The same for two scalars.
inline double rel_error(double a, double b) {
    if (!std::isfinite(a) || !std::isfinite(b)) return INFINITY;
    return std::abs(b) > 0.0 ? std::abs(a - b) / std::abs(b) : std::abs(a - b);
}

/// Sets the counters of a finished timing loop: `GFLOP/s` and `pct_peak`
/// from `flops` per iteration (nothing when 0), and, when given, elements
/// and bytes per iteration as `Gelem/s` and `GB/s`.
inline void set_counters(benchmark::State& state, double flops, double elems = 0, double bytes = 0) {
    using C = benchmark::Counter;
    if (flops > 0) {
        const double gflop = flops / 1e9;
        state.counters["GFLOP/s"] = C(gflop, C::kIsIterationInvariantRate);
        if (peak_gflops > 0) state.counters["pct_peak"] = C(gflop / peak_gflops * 100.0, C::kIsIterationInvariantRate);
    }
    if (elems > 0) state.counters["Gelem/s"] = C(elems / 1e9, C::kIsIterationInvariantRate);
    if (bytes > 0) state.counters["GB/s"] = C(bytes / 1e9, C::kIsIterationInvariantRate);
}

/// Times `run()`; the memory clobber after each call makes the compiler
/// treat the inputs as changed and the outputs as read, so no iteration can
/// be hoisted or dropped.
template <class Run>
void time_loop(benchmark::State& state, Run run, double flops, double elems = 0, double bytes = 0) {
    for (auto _ : state) {
        run();
        benchmark::ClobberMemory();
    }
    set_counters(state, flops, elems, bytes);
}

/// MXCSR's flush-to-zero and denormals-are-zero bits.
inline constexpr unsigned mxcsr_ftz_daz = 0x8040;

/// While alive, FTZ and DAZ are off (for measuring what they save); the
/// previous mode comes back at the end of the scope.
class KeepDenormals {
public:
    KeepDenormals() noexcept : saved_(_mm_getcsr()) { _mm_setcsr(saved_ & ~mxcsr_ftz_daz); }
    ~KeepDenormals() { _mm_setcsr(saved_); }
    KeepDenormals(const KeepDenormals&) = delete;
    KeepDenormals& operator=(const KeepDenormals&) = delete;

private:
    unsigned saved_;
};

/// One agreement check: runs both sides once, returns their relative error.
struct Check {
    std::string name;
    std::function<double()> run_once;
};

/// The checks registered so far (run by `run_main` before any timing).
inline std::vector<Check>& checks() {
    static std::vector<Check> all;
    return all;
}

/// Flush-to-zero and denormals-are-zero on; returns whether both are now set.
inline bool enable_ftz() { return ctnn::bench::enable_ftz_daz(); }

/// The peak: CTNN_PEAK_GFLOPS, or the kit's measurement of this machine;
/// false (after a message) when the variable is not a positive number.
inline bool read_peak(const char* prog) {
    if (!(peak_gflops > 0)) peak_gflops = ctnn::bench::limits().peak_gflops_float;
    if (const char* env = std::getenv("CTNN_PEAK_GFLOPS")) {
        const double v = std::strtod(env, nullptr);
        if (!(v > 0.0)) {
            std::fprintf(stderr, "%s: CTNN_PEAK_GFLOPS must be a positive number, got '%s'\n", prog, env);
            return false;
        }
        peak_gflops = v;
    }
    return true;
}

/// Registers `<name>/ctnn` and `<name>/eigen` for a workload with
/// `run_ctnn`, `run_eigen` and `error` (and its agreement check);
/// `KeepDenormalsOn` turns FTZ/DAZ off while timing. A workload with a
/// `samples` member (samples per run) also gets a `samples/s` counter.
template <bool KeepDenormalsOn = false, class W>
void add_pair(const std::string& name, std::shared_ptr<W> w) {
    checks().push_back({name, [w] {
                            w->run_ctnn();
                            w->run_eigen();
                            return w->error();
                        }});
    auto reg = [&](const std::string& impl, auto run) {
        benchmark::RegisterBenchmark((name + "/" + impl).c_str(), [w, run](benchmark::State& s) {
            auto timed = [&] {
                time_loop(s, [&] { run(*w); }, W::flops);
                if constexpr (requires { W::samples; })
                    s.counters["samples/s"] = benchmark::Counter(double(W::samples), benchmark::Counter::kIsIterationInvariantRate);
            };
            if constexpr (KeepDenormalsOn) {
                KeepDenormals guard;
                timed();
            } else {
                timed();
            }
        });
    };
    reg("ctnn", [](W& v) { v.run_ctnn(); });
    reg("eigen", [](W& v) { v.run_eigen(); });
}

/// The main of a benchmark binary: FTZ/DAZ on, `register_all()` registers
/// the workloads and their checks, every check runs (a disagreement exits
/// 1 before anything is timed), the context is recorded, then Google
/// Benchmark runs.
template <class Register>
int run_main(const char* prog, int argc, char** argv, Register register_all) {
    if (!read_peak(prog)) return 2;
    const bool ftz = enable_ftz();
    register_all();

    // Agreement first: a workload whose sides disagree is not worth timing.
    double worst = 0.0;
    std::string worst_name;
    int failures = 0;
    for (const auto& c : checks()) {
        const double err = c.run_once();
        if (!(err < max_rel_error)) {
            std::fprintf(stderr, "%s: %s: ctnn and its peer disagree (relative error %.3g >= %.0e)\n", prog,
                         c.name.c_str(), err, max_rel_error);
            ++failures;
        }
        if (!(err <= worst)) {
            worst = err;
            worst_name = c.name;
        }
    }
    if (failures) {
        std::fprintf(stderr, "%s: %d of %zu checks disagree; not benchmarking\n", prog, failures, checks().size());
        return 1;
    }
    char buf[200];
    std::snprintf(buf, sizeof buf, "%zu checks agree; worst relative error %.2e (%s)", checks().size(), worst,
                  worst_name.c_str());
    std::fprintf(stderr, "%s: %s\n", prog, buf);
    benchmark::AddCustomContext("ctnn_agreement", buf);

    (void)ftz;  // the kit's context reports the FTZ/DAZ state
    ctnn::bench::add_context();  // CPU, caches, measured peaks and bandwidths, SIMD, compiler, load
    std::snprintf(buf, sizeof buf, "%.1f%s", peak_gflops, std::getenv("CTNN_PEAK_GFLOPS") ? "" : " (measured)");
    benchmark::AddCustomContext("ctnn_peak_gflops", buf);
    benchmark::AddCustomContext("eigen_version", std::to_string(EIGEN_WORLD_VERSION) + "." +
                                                     std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                                     std::to_string(EIGEN_MINOR_VERSION));
    benchmark::AddCustomContext("eigen_simd", Eigen::SimdInstructionSetsInUse());
    benchmark::AddCustomContext("compiler", ctnn::bench::compiler());  // bench/report.py's key

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace ctnn_bench
