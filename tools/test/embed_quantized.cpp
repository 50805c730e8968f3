// ctnn-embed --quantize against quant::quantize run at run time on the same
// files: the baked Quantized network's outputs equal the converted one's bit
// for bit (bf16: the 784-128-10 model; int8: the small exact-sum model with
// its calibration samples, see models.hpp; f32: the small model, its first
// Dense column-major), on the calibration samples and
// on inputs beyond the calibrated range (clipping); the baked network is a
// constant (its input scale is read by the compiler).
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <ctnn/core/random.hpp>
#include <ctnn/io/npy.hpp>
#include <ctnn/io/safetensors.hpp>
#include <ctnn/quant.hpp>

#include "mlp_bf16_model.hpp"
#include "models.hpp"
#include "small_f32_model.hpp"
#include "small_int8_model.hpp"

static_assert(std::is_same_v<mlp_bf16::quantized_type, ctnn::Quantized<embed_test::Mlp, ctnn::quant::bf16_weights>>);
static_assert(std::is_same_v<small_f32::quantized_type, ctnn::Quantized<embed_test::Small, ctnn::quant::f32_weights>>);
static_assert(small_f32::quantized_type::stage<0>::column_major && !small_f32::quantized_type::stage<1>::column_major);
static_assert(std::is_same_v<small_int8::quantized_type, ctnn::Quantized<embed_test::Small, ctnn::quant::int8_weights>>);
// Converted by the compiler: layer 0's input is signed (zero point 128), layer 1's a ReLU output (0).
static_assert(small_int8::net.layer<0>().input.zero_point == 128 && small_int8::net.layer<1>().input.zero_point == 0 &&
              small_int8::net.layer<1>().input.scale > 0);

namespace {
int failures = 0;
void check(bool ok, const std::string& what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAILED", what.c_str());
    if (!ok) ++failures;
}
std::string file(const char* name) { return std::string(CTNN_EMBED_TEST_DIR) + "/" + name; }

// baked.forward(x) against converted.forward(x), bit for bit, over `inputs`.
template <class Q>
void compare(const Q& baked, const Q& converted, const std::vector<float>& inputs, const std::string& name) {
    constexpr std::size_t in = Q::in_size;
    const std::size_t n = inputs.size() / in;
    bool same = true, nonzero = false;
    for (std::size_t s = 0; s < n; ++s) {
        typename Q::input_type x;
        std::memcpy(x.data(), inputs.data() + s * in, sizeof(float) * in);
        const auto a = baked.forward(x), b = converted.forward(x);
        same = same && std::memcmp(a.data(), b.data(), sizeof(float) * Q::out_size) == 0;
        for (std::size_t i = 0; i < Q::out_size; ++i) nonzero = nonzero || a.data()[i] != 0;
    }
    check(same && nonzero, name + ": baked forward equals quantize's at run time, bit for bit (" + std::to_string(n) +
                               " inputs)");
}
}  // namespace

int main() {
    ctnn::Rng rng(5);
    {
        auto net = std::make_unique<embed_test::Mlp>();
        ctnn::io::load_safetensors(*net, file("mlp.safetensors"));
        const auto q = ctnn::quant::quantize<ctnn::quant::bf16_weights>(*net);
        std::vector<float> x(20 * 784);
        for (auto& v : x) v = float(rng.uniform(-1, 1));
        compare(mlp_bf16::net, *q, x, "784-128-10 bf16");
    }
    {
        auto net = std::make_unique<embed_test::Small>();
        ctnn::io::load_safetensors(*net, file("small.safetensors"));
        ctnn::Tensor<float, embed_test::calibration_samples, 64> samples;
        ctnn::io::load_npy(samples, file("calibration.npy"));
        const auto q = ctnn::quant::quantize<ctnn::quant::int8_weights>(
            *net, ctnn::quant::sample_rows{samples.data(), embed_test::calibration_samples, 64});
        std::vector<float> x(samples.data(), samples.data() + samples.size);
        compare(small_int8::net, *q, x, "64-32-10 int8, calibration samples");
        for (auto& v : x) v = float(rng.uniform(-4, 4));  // beyond the calibrated ±2: clipped alike
        compare(small_int8::net, *q, x, "64-32-10 int8, inputs beyond the calibrated range");
        const auto f32 = ctnn::quant::quantize<ctnn::quant::f32_weights>(*net);
        compare(small_f32::net, *f32, x, "64-32-10 f32");
        check(small_int8::net.layer<0>().input.scale == q->layer<0>().input.scale &&
                  small_int8::net.layer<1>().input.scale == q->layer<1>().input.scale,
              "64-32-10 int8: the input scales are quantize's");
    }
    return failures == 0 ? 0 : 1;
}
