/// \file dispatch.cpp
/// `ctnn_bench_dispatch`: run-time CPU dispatch against a -march=native
/// build, in one binary. This file is built for plain x86-64; the model
/// (dispatch_model.cpp: mlp_mnist 784 → 128 ReLU → 10 at batch 64) is built
/// once per level by ctnn_add_dispatch and once with -march=native.
///
/// | workload | what is timed |
/// |---|---|
/// | `mlp_mnist_b64/<impl>` | forward pass, softmax output |
/// | `mlp_mnist_train_b64/<impl>` | forward, softmax cross-entropy, backward, Adam |
///
/// `<impl>`: `native` (the -march=native build), `dispatch` (the level the
/// CPU selects, as a shipped binary runs), `sse2`, `avx2`, `avx512` (each
/// level forced; levels this CPU lacks are not registered). Before timing,
/// every build runs the same forward and 3 steps and their checksums must
/// agree to 1e-5.

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <xmmintrin.h>  // MXCSR: flush-to-zero, denormals-are-zero

#include <benchmark/benchmark.h>

#include "dispatch_model.hpp"

namespace {

using namespace ctnn_bench_dispatch;
namespace dispatch = ctnn::dispatch;
constexpr std::uint64_t seed = 2026;

/// The build named `impl`, made under its level.
std::unique_ptr<Model> make(const std::string& impl) {
    if (impl == "native") return native::make_model(seed);
    for (dispatch::level l : dispatch::levels)
        if (impl == dispatch::name(l)) dispatch::force(l);
    return make_model(seed);  // "dispatch": the level selected() names
}

/// Forward once and step 3 times: the checksum every build must agree on.
double reference_run(Model& m) {
    m.forward();
    for (int i = 0; i < 3; ++i) m.train_step();
    return m.checksum();
}

}  // namespace

int main(int argc, char** argv) {
    _mm_setcsr(_mm_getcsr() | 0x8040);  // as ctnn's other benchmarks: FTZ and DAZ
    const dispatch::level detected = dispatch::detected();
    std::vector<std::string> impls = {"native", "dispatch"};
    for (dispatch::level l : dispatch::levels)
        if (dispatch::supported(l)) impls.emplace_back(dispatch::name(l));

    // The "dispatch" model is made first, before any force(): the level a shipped binary runs.
    std::vector<std::unique_ptr<Model>> fwd, train;
    for (const auto& impl : impls) {
        fwd.push_back(make(impl));
        train.push_back(make(impl));
    }
    const double expected = reference_run(*make("native"));
    for (std::size_t i = 0; i < impls.size(); ++i) {
        const double got = reference_run(*make(impls[i]));
        if (std::abs(got - expected) > 1e-5 * std::abs(expected)) {
            std::fprintf(stderr, "ctnn: %s's checksum %.9g differs from native's %.9g\n", impls[i].c_str(), got,
                         expected);
            return 1;
        }
    }
    benchmark::AddCustomContext("dispatch_detected", dispatch::name(detected));
    for (std::size_t i = 0; i < impls.size(); ++i) {
        benchmark::AddCustomContext("arch_" + impls[i], fwd[i]->arch());
        Model* f = fwd[i].get();
        Model* t = train[i].get();
        benchmark::RegisterBenchmark(("mlp_mnist_b64/" + impls[i]).c_str(), [f](benchmark::State& s) {
            for (auto _ : s) {
                f->forward();
                benchmark::ClobberMemory();
            }
            s.counters["samples/s"] = benchmark::Counter(double(batch), benchmark::Counter::kIsIterationInvariantRate);
        });
        benchmark::RegisterBenchmark(("mlp_mnist_train_b64/" + impls[i]).c_str(), [t](benchmark::State& s) {
            for (auto _ : s) benchmark::DoNotOptimize(t->train_step());
            s.counters["samples/s"] = benchmark::Counter(double(batch), benchmark::Counter::kIsIterationInvariantRate);
        });
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
