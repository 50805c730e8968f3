// A translation unit that includes the compiler's intrinsics (as Eigen or a
// user's own SIMD code does) before ctnn, so GCC's AVX-512 header is read
// before ctnn's include of xsimd: must be warning-free too.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <ctnn/ctnn.hpp>

#include <memory>

/// Loss after 20 Adam steps on a small problem (lower than the first one).
bool intrinsics_first_trains() {
    using Net = ctnn::Sequential<ctnn::Input<9>, ctnn::Dense<21>, ctnn::GELUTanh, ctnn::Dense<3>>;
    auto net = std::make_unique<Net>();
    ctnn::init::torch_default(*net, 2);
    auto ws = std::make_unique<Net::workspace<4>>();
    auto g = std::make_unique<Net::gradients>();
    ctnn::optim::Adam<Net> adam(ctnn::optim::adam_config<false>{.lr = 1e-2});
    Net::input_batch<4> x;
    Net::output_batch<4> t;
    for (std::size_t i = 0; i < x.size; ++i) x.data()[i] = float(int(i % 5) - 2) * 0.3f;
    for (std::size_t i = 0; i < t.size; ++i) t.data()[i] = float(i % 2);
    const float first = ctnn::train::step<ctnn::BCEWithLogitsSum>(*net, *ws, *g, adam, x, t);
    float last = first;
    for (int s = 0; s < 20; ++s) last = ctnn::train::step<ctnn::BCEWithLogitsSum>(*net, *ws, *g, adam, x, t);
    return last < first;
}
