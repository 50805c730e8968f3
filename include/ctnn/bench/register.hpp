#pragma once
/// \file register.hpp
/// `register_network<Net>("name", options)`: the standard Google Benchmark
/// cases of any network type, checked and with the counters of a roofline.
///
/// ```cpp
/// #include <ctnn/bench.hpp>
/// #include <ctnn/bench/count_allocations.hpp>   // one TU: counts allocations
/// using Mlp = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dense<10>>;
/// int main(int argc, char** argv) {
///     ctnn::bench::register_network<Mlp>("mlp", ctnn::bench::options<64>{});
///     return ctnn::bench::run(argc, argv);
/// }
/// ```
///
/// | case | what one iteration is |
/// |---|---|
/// | `name/infer_b1` | `forward(x)` on the next of `options.inputs` varied samples (throughput) |
/// | `name/infer_b1_chained` | the same, each input depending on the previous output (latency) |
/// | `name/infer_bB` | `forward(X, ws)` on the next of several varied batches of `B` |
/// | `name/train_bB` | `train::step<Loss>` with optimizer `Opt` (default: softmax cross-entropy or MSE by the output, Adam) |
/// | `name/stream_b1`, `name/stream_b1_chained`, `name/stream_bB` | a stateful network (`Net::stateful`): `forward(x, state)` of one stream, and one step of `B` streams, instead of the `infer_` cases |
///
/// Before timing, each case's own code path runs on its inputs and is
/// compared with a reference pass (check.hpp: the network in double, one
/// sample at a time); after timing, the output the loop left is compared
/// again. A wrong output fails the case (`SkipWithError`, and `run` returns
/// 1). A warm-up of `options.warmup_s` precedes each case's first measurement.
///
/// Counters: `ns/sample`, `samples/s`, `GFLOP/s`, `GB/s` (the working set
/// per call over the time), `weight_bytes`, `act_bytes`, `AI` (flops per
/// byte), `pct_peak` (of the measured FMA peak), `pct_bw` (of the measured
/// read bandwidth of the level the working set lives in), `pct_roof` (of
/// the roofline's attainable GFLOP/s) and `allocs` (per iteration, when
/// counted: allocations.hpp); the label says the bound: `compute bound` or
/// `memory bound (L2)`. The definitions of flops and bytes: costs.hpp.
///
/// bf16 and int8 variants: `precision_variants<Net, Options>` is the hook;
/// the precision issue specialises it for the networks it can convert, and
/// `register_network` calls it after the native cases. Nothing today.

#if __has_include(<benchmark/benchmark.h>)

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>  // isatty

#include <benchmark/benchmark.h>

#include "../net/init.hpp"
#include "../optim/adam.hpp"
#include "../simd/arch.hpp"
#include "../train/step.hpp"
#include "allocations.hpp"
#include "check.hpp"
#include "costs.hpp"
#include "machine.hpp"
#include "roofline.hpp"

namespace ctnn::bench {

/// What `register_network` registers and how. `Batch` is the batch of the
/// batched and training cases; `Loss` the training loss (`auto_loss`:
/// softmax cross-entropy for a flat output of several values, MSE
/// otherwise); `Opt` the optimizer template (`optim::Adam`, `optim::SGD`,
/// ...), constructed with its default configuration.
template <std::size_t Batch = 32, class Loss = auto_loss, template <class> class Opt = optim::Adam>
struct options {
    static constexpr std::size_t batch = Batch;
    using loss = Loss;
    template <class Net>
    using optimizer = Opt<Net>;

    bool infer_one = true;    ///< batch-1 cases (independent and chained inputs)
    bool infer_batch = true;  ///< the batch-`Batch` inference case
    bool train = true;        ///< the training step
    std::size_t inputs = 64;  ///< distinct samples cycled through (varied data)
    double max_rel_error = 1e-4;  ///< against the reference pass
    double warmup_s = 0.05;       ///< seconds of warm-up before a case's first timing
    int repetitions = 0;          ///< > 0: Repetitions(n) (mean, stddev and cv reported)
    std::uint64_t seed = 1;       ///< inputs, targets, and parameters when none are given
};

/// The hook for reduced-precision variants (bf16, int8): specialised by the
/// precision work to register `name/infer_b1/bf16` and the like for the
/// networks it can convert. The primary template registers nothing.
template <class Net, class Options>
struct precision_variants {
    static void add(const std::string&, const std::shared_ptr<const Net>&, const Options&) {}
};

// ---- the context ---------------------------------------------------------------

/// Adds the machine's description and measured limits to the benchmark
/// context (once per process): CPU, SIMD architecture, FTZ/DAZ, compiler,
/// caches, peaks, bandwidths, load; and a `ctnn_warning` when the load
/// average is above 1 per core.
inline void add_context() {
    static bool done = false;
    if (done) return;
    done = true;
    const machine_limits& m = limits();
    char buf[256];
    benchmark::AddCustomContext("ctnn_cpu", cpu_model());
    benchmark::AddCustomContext("ctnn_simd_arch", simd::best_arch::name());
    benchmark::AddCustomContext("ctnn_ftz_daz", ftz_daz_on() ? "on" : "off");
    benchmark::AddCustomContext("ctnn_compiler", compiler());
    std::snprintf(buf, sizeof buf, "L1 %zu, L2 %zu, L3 %zu bytes", m.caches.l1, m.caches.l2, m.caches.l3);
    benchmark::AddCustomContext("ctnn_caches", buf);
    std::snprintf(buf, sizeof buf, "%.1f%s", m.peak_gflops_float, m.peak_overridden ? " (CTNN_PEAK_GFLOPS)" : "");
    benchmark::AddCustomContext("ctnn_peak_gflops_float", buf);
    std::snprintf(buf, sizeof buf, "%.1f", m.peak_gflops_double);
    benchmark::AddCustomContext("ctnn_peak_gflops_double", buf);
    std::snprintf(buf, sizeof buf, "L1 %.1f, L2 %.1f, L3 %.1f, DRAM %.1f", m.bandwidth_gbs[0], m.bandwidth_gbs[1],
                  m.bandwidth_gbs[2], m.bandwidth_gbs[3]);
    benchmark::AddCustomContext("ctnn_bandwidth_gbs", buf);
    std::snprintf(buf, sizeof buf, "L1 %.1f, L2 %.1f, L3 %.1f, DRAM %.1f", m.copy_gbs[0], m.copy_gbs[1], m.copy_gbs[2],
                  m.copy_gbs[3]);
    benchmark::AddCustomContext("ctnn_copy_gbs", buf);
    const double load = load_per_core();
    std::snprintf(buf, sizeof buf, "%.2f", load);
    benchmark::AddCustomContext("ctnn_load_per_core", buf);
    benchmark::AddCustomContext("ctnn_allocations", counting_allocations() ? "counted" : "not counted");
    if (load > 1.0) {
        std::snprintf(buf, sizeof buf, "load average %.2f per core (> 1): timings are shared with other work", load);
        benchmark::AddCustomContext("ctnn_warning", buf);
    }
}

// ---- counters -------------------------------------------------------------------

/// Sets a finished case's counters from its costs per iteration and the
/// allocations its timed loop made.
template <class T>
void set_counters(benchmark::State& s, const case_costs& c, std::size_t allocs) {
    using C = benchmark::Counter;
    const machine_limits& m = limits();
    const roofline_point p = classify<T>(c.flops, c.bytes(), m);
    const auto rate = C::kIsIterationInvariantRate;
    s.counters["ns/sample"] = C(double(c.samples) * 1e-9, C::Flags(C::kIsIterationInvariantRate | C::kInvert));
    s.counters["samples/s"] = C(double(c.samples), rate);
    s.counters["GFLOP/s"] = C(c.flops / 1e9, rate);
    s.counters["GB/s"] = C(double(c.bytes()) / 1e9, rate);
    s.counters["weight_bytes"] = C(double(c.weight_bytes));
    s.counters["act_bytes"] = C(double(c.activation_bytes));
    s.counters["AI"] = C(p.intensity);
    if (p.peak_gflops > 0) s.counters["pct_peak"] = C(c.flops / 1e9 / p.peak_gflops * 100.0, rate);
    if (p.bandwidth_gbs > 0) s.counters["pct_bw"] = C(double(c.bytes()) / 1e9 / p.bandwidth_gbs * 100.0, rate);
    if (p.attainable_gflops > 0) s.counters["pct_roof"] = C(c.flops / 1e9 / p.attainable_gflops * 100.0, rate);
    if (counting_allocations()) s.counters["allocs"] = C(double(allocs), C::kAvgIterations);
    s.SetLabel(p.compute_bound ? "compute bound" : std::string("memory bound (") + name(p.level) + ")");
}

namespace register_detail {

template <class T>
void fill(T* p, std::size_t n, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> d(-1.0, 1.0);
    for (std::size_t i = 0; i < n; ++i) p[i] = T(d(rng));
}

/// Runs `step` for `seconds` (caches, branch predictors and the clock
/// frequency settle), once per case: Google Benchmark calls a case several
/// times in a row while it sizes the iteration count.
template <class Step>
void warm_up(bool& warmed, double seconds, Step step) {
    if (warmed) return;
    warmed = true;
    const auto t0 = std::chrono::steady_clock::now();
    do {
        for (int k = 0; k < 16; ++k) step();
    } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds);
}

/// Fails the case when its timed loop allocated; true when it did.
inline bool allocated(benchmark::State& s, std::size_t allocs) {
    if (!counting_allocations() || allocs == 0) return false;
    const std::string msg = "ctnn: " + std::to_string(allocs) + " heap allocations in the timed loop (must be 0)";
    s.SkipWithError(msg.c_str());
    return true;
}

/// Batch-1 inference or streaming, on `n` varied samples.
template <class Net>
struct one_case {
    using T = typename Net::value_type;
    std::shared_ptr<const Net> net;
    std::vector<typename Net::input_type> xs;
    std::vector<T> first;  // each sample's element 0, for the chained variant
    typename Net::output_type y{};
    std::unique_ptr<typename Net::state_type> state;
    check_result ready;
    bool prepared = false;
    bool warmed[2] = {false, false};
    double warmup_s = 0;

    void prepare(std::size_t n, std::uint64_t seed, double tol) {
        if (prepared) return;
        prepared = true;
        std::mt19937_64 rng(seed);
        xs.resize(std::max<std::size_t>(n, 1));
        for (auto& x : xs) {
            fill(x.data(), Net::in_shape::size, rng);
            first.push_back(x.data()[0]);
        }
        if constexpr (is_stateful<Net>) state = std::make_unique<typename Net::state_type>();
        ready = check_infer_one(*net, xs.data(), xs.size(), tol);
        if constexpr (is_stateful<Net>) state->reset();
    }

    template <bool Chained>
    void run(benchmark::State& s, double tol) {
        if (!ready.ok) return s.SkipWithError(ready.what.c_str());
        const Net& n = *net;
        const std::size_t count = xs.size();
        std::size_t i = 0, last = 0;
        T prev = T(0);
        auto step = [&] {
            auto& x = xs[i];
            // x₀ + y₀·0 is x₀ but cannot be computed before y₀ (no fast-math)
            if constexpr (Chained) x.data()[0] = first[i] + prev * T(0);
            if constexpr (is_stateful<Net>)
                y = n.forward(x, *state);
            else
                y = n.forward(x);
            benchmark::DoNotOptimize(y);
            if constexpr (Chained) prev = y.data()[0];
            last = i;
            i = i + 1 == count ? 0 : i + 1;
        };
        warm_up(warmed[Chained], warmup_s, step);
        const std::size_t a0 = allocations_so_far();
        for (auto _ : s) step();
        const std::size_t allocs = allocations_so_far() - a0;
        if (allocated(s, allocs)) return;
        if constexpr (!is_stateful<Net>) {
            const check_result after = check_output(n, xs[last].data(), y.data(), tol, "the timed batch-1 output");
            if (!after.ok) return s.SkipWithError(after.what.c_str());
        } else {
            const check_result after = check_output_finite(y.data(), Net::out_shape::size);
            if (!after.ok) return s.SkipWithError(after.what.c_str());
        }
        set_counters<T>(s, infer_one_costs<Net>(), allocs);
    }

    static check_result check_output_finite(const T* p, std::size_t n) {
        check_result r;
        r.merge(rel_error(p, p, n), 1.0, "the timed stream's output (not finite)");
        return r;
    }
};

/// Batch-`B` inference (a stateful network: one step of `B` streams).
template <class Net, std::size_t B>
struct batch_case {
    using T = typename Net::value_type;
    std::shared_ptr<const Net> net;
    std::vector<typename Net::template input_batch<B>> xs;
    std::unique_ptr<typename Net::template workspace<B>> ws;
    check_result ready;
    bool prepared = false;
    bool warmed = false;
    double warmup_s = 0;

    void prepare(std::size_t n, std::uint64_t seed, double tol) {
        if (prepared) return;
        prepared = true;
        std::mt19937_64 rng(seed);
        xs.resize(std::clamp<std::size_t>((n + B - 1) / B, 2, 16));
        for (auto& x : xs) fill(x.data(), B * Net::in_shape::size, rng);
        ws = std::make_unique<typename Net::template workspace<B>>();
        ready = check_infer_batch<Net, B>(*net, xs.data(), xs.size(), tol);
        if constexpr (is_stateful<Net>) ws->state.reset();
    }

    void run(benchmark::State& s, double tol) {
        if (!ready.ok) return s.SkipWithError(ready.what.c_str());
        const Net& n = *net;
        const std::size_t count = xs.size();
        std::size_t i = 0, last = 0;
        auto step = [&] {
            n.forward(xs[i], *ws);
            benchmark::ClobberMemory();
            last = i;
            i = i + 1 == count ? 0 : i + 1;
        };
        warm_up(warmed, warmup_s, step);
        const std::size_t a0 = allocations_so_far();
        for (auto _ : s) step();
        const std::size_t allocs = allocations_so_far() - a0;
        if (allocated(s, allocs)) return;
        constexpr std::size_t n_in = Net::in_shape::size, n_out = Net::out_shape::size;
        const T* out = ws->output().data();
        check_result after;
        if constexpr (is_stateful<Net>) {
            after.merge(rel_error(out, out, B * n_out), 1.0, "the timed streams' output (not finite)");
        } else {
            after = check_detail::against_reference(
                n, 1, B, [&](std::size_t, std::size_t r) { return xs[last].data() + r * n_in; },
                [&](std::size_t, std::size_t r) { return out + r * n_out; }, tol, "the timed batched output");
        }
        if (!after.ok) return s.SkipWithError(after.what.c_str());
        set_counters<T>(s, infer_batch_costs<Net, B>(), allocs);
    }
};

/// The training step on varied batches (its own copy of the network: the
/// step changes the parameters).
template <class Net, std::size_t B, class Loss, template <class> class Opt>
struct train_case {
    using T = typename Net::value_type;
    using L = typename loss_for<Net, Loss, B>::type;
    using Targets = typename loss_for<Net, Loss, B>::targets;
    std::unique_ptr<Net> net;
    std::vector<typename Net::template input_batch<B>> xs;
    std::vector<Targets> ts;
    std::unique_ptr<typename Net::template workspace<B>> ws;
    std::unique_ptr<typename Net::gradients> g;
    std::unique_ptr<Opt<Net>> opt;
    check_result ready;
    bool prepared = false;
    bool warmed = false;
    double warmup_s = 0;

    void prepare(const Net& from, std::size_t n, std::uint64_t seed, double tol) {
        if (prepared) return;
        prepared = true;
        net = std::make_unique<Net>(from);
        std::mt19937_64 rng(seed);
        const std::size_t count = std::clamp<std::size_t>((n + B - 1) / B, 2, 16);
        xs.resize(count);
        ts.resize(count);
        for (std::size_t k = 0; k < count; ++k) {
            fill(xs[k].data(), B * Net::in_shape::size, rng);
            if constexpr (requires { typename Targets::shape_type; }) {
                fill(ts[k].data(), B * Net::out_shape::size, rng);
            } else {
                std::uniform_int_distribution<int> cls(0, int(Net::out_shape::size) - 1);
                for (auto& l : ts[k]) l = cls(rng);
            }
        }
        ws = std::make_unique<typename Net::template workspace<B>>();
        g = std::make_unique<typename Net::gradients>();
        opt = std::make_unique<Opt<Net>>();
        ready = check_gradients<L, Net, B>(*net, xs[0], ts[0], tol);
        if constexpr (is_stateful<Net>) ws->state.reset();
    }

    void run(benchmark::State& s) {
        if (!ready.ok) return s.SkipWithError(ready.what.c_str());
        const std::size_t count = xs.size();
        std::size_t i = 0;
        T loss = T(0);
        auto step = [&] {
            loss = train::step<L>(*net, *ws, *g, *opt, xs[i], ts[i]);
            benchmark::DoNotOptimize(loss);
            i = i + 1 == count ? 0 : i + 1;
        };
        warm_up(warmed, warmup_s, step);
        const std::size_t a0 = allocations_so_far();
        for (auto _ : s) step();
        const std::size_t allocs = allocations_so_far() - a0;
        if (allocated(s, allocs)) return;
        if (!std::isfinite(double(loss))) return s.SkipWithError("ctnn: the training loss is not finite");
        set_counters<T>(s, train_costs<Net, B, Opt<Net>::state_count, Targets>(), allocs);
    }
};

}  // namespace register_detail

/// Registers the standard cases of `Net` under `name` with the parameters
/// of `net` (see the file's comment for the cases and counters).
template <Network Net, std::size_t B, class Loss, template <class> class Opt>
void register_network(const std::string& name, std::shared_ptr<const Net> net, const options<B, Loss, Opt>& opt) {
    using namespace register_detail;
    add_context();
    const double tol = opt.max_rel_error;
    const std::string kind = is_stateful<Net> ? "/stream_b" : "/infer_b";
    auto setup = [&](benchmark::internal::Benchmark* b) {
        if (opt.repetitions > 0) b->Repetitions(opt.repetitions);
    };
    if (opt.infer_one) {
        auto c = std::make_shared<one_case<Net>>();
        c->net = net;
        c->warmup_s = opt.warmup_s;
        const std::size_t n = opt.inputs;
        const std::uint64_t seed = opt.seed;
        setup(benchmark::RegisterBenchmark((name + kind + "1").c_str(), [c, n, seed, tol](benchmark::State& s) {
            c->prepare(n, seed, tol);
            if constexpr (is_stateful<Net>) c->state->reset();
            c->template run<false>(s, tol);
        }));
        setup(benchmark::RegisterBenchmark((name + kind + "1_chained").c_str(), [c, n, seed, tol](benchmark::State& s) {
            c->prepare(n, seed, tol);
            if constexpr (is_stateful<Net>) c->state->reset();
            c->template run<true>(s, tol);
        }));
    }
    if (opt.infer_batch) {
        auto c = std::make_shared<batch_case<Net, B>>();
        c->net = net;
        c->warmup_s = opt.warmup_s;
        const std::size_t n = opt.inputs;
        const std::uint64_t seed = opt.seed + 1;
        setup(benchmark::RegisterBenchmark((name + kind + std::to_string(B)).c_str(),
                                           [c, n, seed, tol](benchmark::State& s) {
                                               c->prepare(n, seed, tol);
                                               if constexpr (is_stateful<Net>) c->ws->state.reset();
                                               c->run(s, tol);
                                           }));
    }
    if (opt.train) {
        auto c = std::make_shared<train_case<Net, B, Loss, Opt>>();
        c->warmup_s = opt.warmup_s;
        const std::size_t n = opt.inputs;
        const std::uint64_t seed = opt.seed + 2;
        setup(benchmark::RegisterBenchmark((name + "/train_b" + std::to_string(B)).c_str(),
                                           [c, net, n, seed, tol](benchmark::State& s) {
                                               c->prepare(*net, n, seed, tol);
                                               c->run(s);
                                           }));
    }
    precision_variants<Net, options<B, Loss, Opt>>::add(name, net, opt);
}

/// The same with parameters drawn as PyTorch initialises them (seeded by
/// `opt.seed`).
template <Network Net, std::size_t B = 32, class Loss = auto_loss, template <class> class Opt = optim::Adam>
void register_network(const std::string& name, const options<B, Loss, Opt>& opt = {}) {
    auto net = std::make_shared<Net>();
    init::torch_default(*net, opt.seed);
    register_network<Net>(name, std::shared_ptr<const Net>(std::move(net)), opt);
}

// ---- running ----------------------------------------------------------------------

namespace register_detail {
/// Passes everything to Google Benchmark's reporter of the chosen format
/// and watches the runs: errors, and a coefficient of variation over 5%.
class watching_reporter : public benchmark::BenchmarkReporter {
public:
    explicit watching_reporter(std::unique_ptr<benchmark::BenchmarkReporter> inner) : inner_(std::move(inner)) {}
    bool ReportContext(const Context& c) override { return inner_->ReportContext(c); }
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            if (r.error_occurred) ++errors;
            // the cv aggregate holds the coefficients of variation in its times
            const double cv = std::max(r.real_accumulated_time, r.cpu_accumulated_time);
            if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "cv" && cv > 0.05) {
                char buf[300];
                std::snprintf(buf, sizeof buf, "%s: coefficient of variation %.1f%% (> 5%%): noisy timing",
                              r.benchmark_name().c_str(), cv * 100.0);
                noisy.push_back(buf);
            }
        }
        inner_->ReportRuns(runs);
    }
    void Finalize() override { inner_->Finalize(); }

    int errors = 0;
    std::vector<std::string> noisy;

private:
    std::unique_ptr<benchmark::BenchmarkReporter> inner_;
};
}  // namespace register_detail

/// The main of a benchmark program: Google Benchmark's flags, the
/// registered cases, then warnings (noisy timings) on stderr. Returns 1
/// when a case failed (a wrong output, an allocation), 2 on a bad flag.
inline int run(int argc, char** argv) {
    add_context();
    std::string format = "console";
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--benchmark_format=", 19) == 0) format = argv[i] + 19;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    std::unique_ptr<benchmark::BenchmarkReporter> inner;
    if (format == "json")
        inner = std::make_unique<benchmark::JSONReporter>();
    else  // console (CSV is deprecated in Google Benchmark)
        inner = std::make_unique<benchmark::ConsoleReporter>(
            isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular : benchmark::ConsoleReporter::OO_Tabular);
    register_detail::watching_reporter rep(std::move(inner));
    benchmark::RunSpecifiedBenchmarks(&rep);
    benchmark::Shutdown();
    for (const auto& w : rep.noisy) std::fprintf(stderr, "ctnn: warning: %s\n", w.c_str());
    if (load_per_core() > 1.0)
        std::fprintf(stderr, "ctnn: warning: load average %.2f per core (> 1) during the run\n", load_per_core());
    if (rep.errors) std::fprintf(stderr, "ctnn: %d case(s) failed (see their error_message)\n", rep.errors);
    return rep.errors ? 1 : 0;
}

}  // namespace ctnn::bench

#endif  // __has_include(<benchmark/benchmark.h>)
