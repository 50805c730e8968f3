// Writes the model the consumer embeds, as PyTorch would save a 4-8-2 MLP
// sitting inside a bigger module (names under "encoder.", so the embedding
// exercises ctnn_embed_header's PREFIX).
#include <cstddef>
#include <vector>

#include <ctnn/io/safetensors.hpp>

#include "model_type.hpp"

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    std::vector<float> w1(8 * 4), b1(8), w2(2 * 8), b2(2);
    for (std::size_t o = 0; o < 8; ++o) {
        for (std::size_t i = 0; i < 4; ++i) w1[o * 4 + i] = consumer::w1(o, i);
        b1[o] = consumer::b1(o);
    }
    for (std::size_t o = 0; o < 2; ++o) {
        for (std::size_t j = 0; j < 8; ++j) w2[o * 8 + j] = consumer::w2(o, j);
        b2[o] = consumer::b2(o);
    }
    const std::vector<ctnn::io::tensor_out> out{{"encoder.0.weight", {8, 4}, w1.data(), ctnn::io::dtype::f32},
                                                {"encoder.0.bias", {8}, b1.data(), ctnn::io::dtype::f32},
                                                {"encoder.2.weight", {2, 8}, w2.data(), ctnn::io::dtype::f32},
                                                {"encoder.2.bias", {2}, b2.data(), ctnn::io::dtype::f32}};
    ctnn::io::write_safetensors(out, argv[1]);
    return 0;
}
