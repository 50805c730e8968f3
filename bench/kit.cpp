/// \file kit.cpp
/// `ctnn_bench_kit`: ctnn's own networks through the benchmark kit users get
/// (include/ctnn/bench.hpp): every standard case of each network, checked
/// against the reference pass, with the roofline counters against this
/// machine's measured limits. The same cases `ctnn-bench` builds for a
/// user's network; the README's "Benchmark your own network" table comes
/// from here or from ctnn-bench.
///
/// | network | cases |
/// |---|---|
/// | `fmnist_mlp`: 784 → 128 ReLU → 10 | batch 1 (independent, chained), batch 64, training step (softmax cross-entropy, Adam) |
/// | `one_pole_stream`: 16 → 32 tanh → OnePole → 1 (examples/one_pole.hpp) | the streaming step of one stream (independent, chained) and of 64 streams, training |

#include <ctnn/bench.hpp>
#include <ctnn/bench/count_allocations.hpp>  // this binary counts allocations
#include <ctnn/ctnn.hpp>

#include "../examples/one_pole.hpp"

int main(int argc, char** argv) {
    using namespace ctnn;
    bench::enable_ftz_daz();
    using FmMlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;
    bench::register_network<FmMlp>("fmnist_mlp", bench::options<64>{});
    using Stream = Sequential<Input<16>, Dense<32>, Tanh, examples::OnePole, Dense<1>>;
    bench::register_network<Stream>("one_pole_stream", bench::options<64>{});
    return bench::run(argc, argv);
}
