// Writes the model the consumer embeds: a 4-8-2 MLP, He-initialised with a
// fixed seed, saved under a prefix as if it sat inside a bigger PyTorch module
// (so the embedding exercises ctnn_embed_header's PREFIX).
#include <memory>
#include <string>

#include <ctnn/io/safetensors.hpp>
#include <ctnn/net/init.hpp>

#include "model_type.hpp"

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    auto net = std::make_unique<consumer::Net>();
    ctnn::init::he_uniform(*net, 11);
    std::vector<ctnn::io::tensor_out> out;
    net->for_each_param([&](const std::string& name, const ctnn::param_info& info, const float* data) {
        out.push_back({"encoder." + name, std::vector<std::size_t>(info.dims.begin(), info.dims.begin() + info.rank),
                       data, ctnn::io::dtype::f32});
    });
    ctnn::io::write_safetensors(out, argv[1]);
    return 0;
}
