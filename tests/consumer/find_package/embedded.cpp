// The model baked in by ctnn_embed_header (the installed ctnn::embed) against
// the same file loaded at run time: equal parameters and outputs, bit for bit.
#include <cstdio>
#include <cstring>
#include <memory>

#include <ctnn/io/safetensors.hpp>

#include "model.hpp"
#include "model_type.hpp"

static_assert(std::is_same_v<consumer_model::net_type, consumer::Net>);

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    auto loaded = std::make_unique<consumer::Net>();
    ctnn::io::load_safetensors(*loaded, argv[1], {.prefix = "encoder."});
    if (std::memcmp(consumer_model::net.params(), loaded->params(), sizeof(float) * consumer::Net::param_storage) != 0) {
        std::fprintf(stderr, "embedded: the parameters differ from the file's\n");
        return 1;
    }
    const ctnn::Tensor<float, 4> x{0.5f, -1.0f, 0.25f, 2.0f};
    const auto a = consumer_model::net.forward(x);
    const auto b = loaded->forward(x);
    if (std::memcmp(a.data(), b.data(), sizeof(float) * a.size) != 0 || (a(0) == 0 && a(1) == 0)) {
        std::fprintf(stderr, "embedded: forward differs from the loaded network's (or is zero)\n");
        return 1;
    }
    std::printf("embedded model ok: [%g, %g]\n", double(a(0)), double(a(1)));
    return 0;
}
