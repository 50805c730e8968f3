// Writes the models ctnn-embed's tests embed: DIR/mlp.safetensors (f32) and
// DIR/deep.safetensors (f64), He-initialised with fixed seeds, and
// DIR/nan.safetensors (a 2 -> 1 Dense whose first weight is a NaN) and
// DIR/module.safetensors (mlp's tensors as a DataParallel state_dict names
// them: module.0.weight, ...), DIR/small.safetensors and DIR/calibration.npy
// (for --quantize int8: multiples of 1/16, see models.hpp).
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ctnn/io/npy.hpp>
#include <ctnn/io/safetensors.hpp>
#include <ctnn/net/init.hpp>

#include "models.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    auto mlp = std::make_unique<embed_test::Mlp>();
    ctnn::init::he_uniform(*mlp, 42);
    ctnn::io::save_safetensors(*mlp, dir + "/mlp.safetensors", {{"model", "784-128-10"}});
    auto deep = std::make_unique<embed_test::Deep>();
    ctnn::init::he_uniform(*deep, 7);
    // Biases too, so that a bias bound to the wrong place shows.
    deep->for_each_param([](const std::string&, const ctnn::param_info& info, double* p) {
        for (std::size_t i = 0; i < info.size(); ++i) p[i] += 0.01 * double(i % 5) - 0.02;
    });
    ctnn::io::save_safetensors(*deep, dir + "/deep.safetensors", {}, ctnn::io::dtype::f64);
    ctnn::Sequential<ctnn::Input<2>, ctnn::Dense<1>> tiny;
    tiny.params()[0] = std::numeric_limits<float>::quiet_NaN();
    ctnn::io::save_safetensors(tiny, dir + "/nan.safetensors");
    std::vector<ctnn::io::tensor_out> module;
    std::as_const(*mlp).for_each_param([&](const std::string& name, const ctnn::param_info& info, const float* p) {
        module.push_back({"module." + name, {info.dims.begin(), info.dims.begin() + info.rank}, p, ctnn::io::dtype::f32});
    });
    ctnn::io::write_safetensors(module, dir + "/module.safetensors");
    // Weights and biases k/16 with |k| <= 4, samples j/16 with |j| <= 32: all sums exact in float.
    auto small = std::make_unique<embed_test::Small>();
    unsigned state = 12345;
    auto next = [&](int range) {
        state = state * 1103515245u + 12345u;
        return float(int((state >> 16) % unsigned(2 * range + 1)) - range) / 16.0f;
    };
    small->for_each_param([&](const std::string&, const ctnn::param_info& info, float* p) {
        for (std::size_t i = 0; i < info.size(); ++i) p[i] = next(4);
    });
    ctnn::io::save_safetensors(*small, dir + "/small.safetensors");
    ctnn::Tensor<float, embed_test::calibration_samples, 64> samples;
    for (std::size_t i = 0; i < samples.size; ++i) samples.data()[i] = next(32);
    ctnn::io::save_npy(samples, dir + "/calibration.npy");
    return 0;
}
