// The model baked in int8 by ctnn_embed_header(... QUANTIZE int8 CALIBRATION
// calibration.npy) (the installed ctnn::embed), built for plain x86-64 (the
// exact integer emulation of vpdpbusd) with -Wall -Wextra -Werror: its outputs
// must be, bit for bit, those of quant::quantize run here on the same file and
// samples (every float sum of this model is exact, so the tool's calibration
// and quantize's see the same ranges), and close to the float network's.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include <ctnn/io/npy.hpp>
#include <ctnn/io/safetensors.hpp>
#include <ctnn/quant.hpp>

#include "model_int8.hpp"
#include "model_type.hpp"

static_assert(std::is_same_v<consumer_int8::quantized_type, ctnn::Quantized<consumer::Net, ctnn::quant::int8_weights>>);

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    auto net = std::make_unique<consumer::Net>();
    ctnn::io::load_safetensors(*net, argv[1], {.prefix = "encoder."});
    ctnn::Tensor<float, 6, 4> samples;
    ctnn::io::load_npy(samples, argv[2]);
    const auto q = ctnn::quant::quantize<ctnn::quant::int8_weights>(*net, ctnn::quant::sample_rows{samples.data(), 6, 4});
    double worst = 0;
    for (std::size_t s = 0; s < 6; ++s) {
        const ctnn::Tensor<float, 4> x{samples(s, 0), samples(s, 1), samples(s, 2), samples(s, 3)};
        const auto a = consumer_int8::net.forward(x), b = q->forward(x), f = net->forward(x);
        if (std::memcmp(a.data(), b.data(), sizeof(float) * 2) != 0) {
            std::fprintf(stderr, "embedded_int8: sample %zu: baked [%.9g, %.9g], quantize [%.9g, %.9g]\n", s,
                         double(a(0)), double(a(1)), double(b(0)), double(b(1)));
            return 1;
        }
        for (std::size_t k = 0; k < 2; ++k) worst = std::max(worst, std::fabs(double(a(k)) - double(f(k))));
    }
    if (!(worst < 0.1)) {  // outputs of magnitude ~1; int8 steps of ~1/100
        std::fprintf(stderr, "embedded_int8: int8 differs from float by %g\n", worst);
        return 1;
    }
    std::printf("embedded_int8: baked int8 = quantize at run time (6 samples), max |int8 - float| %.3g\n", worst);
    return 0;
}
