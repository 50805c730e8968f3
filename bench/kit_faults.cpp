/// \file kit_faults.cpp
/// `ctnn_bench_kit_faults`: the kit must fail a case whose network is wrong
/// or allocates, end to end through Google Benchmark (ctest
/// bench.kit_faults checks the messages and the exit status 1):
///  - `wrong_in_float`: a layer that scales by 1.01 in float only, so the
///    reference pass (the network in double) disagrees;
///  - `allocating`: a layer that allocates in its forward pass, so the
///    timed loop's allocation count is not 0;
///  - `correct`: the same network with neither fault, which must pass.

#include <memory>
#include <string>
#include <type_traits>

#include <ctnn/bench.hpp>
#include <ctnn/bench/count_allocations.hpp>
#include <ctnn/ctnn.hpp>

namespace faults {
/// y = x, except: Mode 1 scales by 1.01 in float, Mode 2 allocates.
template <int Mode>
struct Fault {
    static std::string name() { return "Fault"; }
};
template <int Mode, std::size_t F>
struct fault {
    using in_shape = ctnn::Shape<F>;
    using out_shape = ctnn::Shape<F>;
    static constexpr std::size_t flops_forward = F;
    static constexpr std::size_t flops_backward = F;
    template <class T, std::size_t B, bool Train, class S>
    static void forward(const ctnn::forward_context<T, B, Train, S>& c) noexcept {
        T k = T(1);
        if constexpr (Mode == 1 && std::is_same_v<T, float>) k = T(1.01);
        if constexpr (Mode == 2) {
            auto* p = new (std::nothrow) T(1);  // the fault: an allocation per call
            benchmark::DoNotOptimize(p);
            k = p ? *p : T(1);
            delete p;
        }
        for (std::size_t i = 0; i < B * F; ++i) c.out[i] = k * c.in[i];
    }
    template <class T, std::size_t B, class S>
    static void backward(const ctnn::backward_context<T, B, S>& c) noexcept {
        if (c.din)
            for (std::size_t i = 0; i < B * F; ++i) c.din[i] = c.dout[i];
    }
};
}  // namespace faults

template <int Mode>
struct ctnn::layers::binding<faults::Fault<Mode>> {
    template <class In>
    static constexpr bool accepts = In::rank == 1;
    template <class In, class Where>
    using diagnosis = require_flat<In::rank != 1, Where, In>;
    template <class In>
    using type = faults::fault<Mode, In::size>;
};

int main(int argc, char** argv) {
    using namespace ctnn;
    bench::enable_ftz_daz();
    bench::options<4> opt;
    opt.warmup_s = 0.001;
    bench::register_network<Sequential<Input<6>, Dense<5>, Tanh, faults::Fault<0>, Dense<3>>>("correct", opt);
    bench::register_network<Sequential<Input<6>, Dense<5>, Tanh, faults::Fault<1>, Dense<3>>>("wrong_in_float", opt);
    opt.train = false;
    bench::register_network<Sequential<Input<6>, Dense<5>, Tanh, faults::Fault<2>, Dense<3>>>("allocating", opt);
    return bench::run(argc, argv);
}
