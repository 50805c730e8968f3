// The model baked in by ctnn_embed_header (the installed ctnn::embed), built
// for plain x86-64 with -Wall -Wextra -Werror: its output must be the floats
// the weights give by hand (plain loops, exact: every value is a multiple of
// 1/8), and bit for bit the output of the same file loaded at run time.
#include <cstdio>
#include <cstring>
#include <memory>

#include <ctnn/io/safetensors.hpp>

#include "model.hpp"
#include "model_type.hpp"

static_assert(std::is_same_v<consumer_model::net_type, consumer::Net>);

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const float x[4] = {0.5f, -1.0f, 0.25f, 2.0f};
    // What the network must compute: relu(W1 x + b1), then W2 h + b2.
    float h[8], expected[2];
    int cut = 0;
    for (std::size_t o = 0; o < 8; ++o) {
        float z = consumer::b1(o);
        for (std::size_t i = 0; i < 4; ++i) z += consumer::w1(o, i) * x[i];
        h[o] = z > 0 ? z : 0;
        cut += z < 0;
    }
    for (std::size_t o = 0; o < 2; ++o) {
        expected[o] = consumer::b2(o);
        for (std::size_t j = 0; j < 8; ++j) expected[o] += consumer::w2(o, j) * h[j];
    }
    if (cut == 0 || cut == 8) {  // the ReLU must matter, or the check would miss it
        std::fprintf(stderr, "embedded: the test input leaves %d of 8 hidden units cut\n", cut);
        return 1;
    }

    const ctnn::Tensor<float, 4> input{x[0], x[1], x[2], x[3]};
    const ctnn::Tensor<float, 2> y = consumer_model::net.forward(input);
    if (y(0) != expected[0] || y(1) != expected[1]) {
        std::fprintf(stderr, "embedded: forward gave [%.9g, %.9g], expected [%.9g, %.9g]\n", double(y(0)),
                     double(y(1)), double(expected[0]), double(expected[1]));
        return 1;
    }

    auto loaded = std::make_unique<consumer::Net>();
    ctnn::io::load_safetensors(*loaded, argv[1], {.prefix = "encoder."});
    if (std::memcmp(consumer_model::net.params(), loaded->params(), sizeof(float) * consumer::Net::param_storage) !=
        0) {
        std::fprintf(stderr, "embedded: the parameters differ from the file's\n");
        return 1;
    }
    const auto z = loaded->forward(input);
    if (std::memcmp(y.data(), z.data(), sizeof(float) * y.size) != 0) {
        std::fprintf(stderr, "embedded: forward differs from the loaded network's\n");
        return 1;
    }
    std::printf("embedded model ok: [%g, %g] (%d of 8 hidden units cut)\n", double(y(0)), double(y(1)), cut);
    return 0;
}
