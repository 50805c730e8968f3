// libFuzzer target: checkpoint loading (safetensors parser, metadata,
// fingerprint, checksum, staging) into a small network and Adam; a failed
// load must leave both as they were.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include <ctnn/io/checkpoint.hpp>
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using Net = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<4>, ctnn::Tanh, ctnn::Dense<2>>;
    static Net net;
    static ctnn::optim::Adam<Net> adam;
    const Net before = net;
    const std::size_t steps = adam.steps();
    try {
        std::vector<float> best;
        (void)ctnn::io::load_checkpoint(net, adam, std::span<const std::uint8_t>(data, size), "fuzz.ckpt", &best);
    } catch (const ctnn::error&) {
        if (!std::equal(net.params(), net.params() + Net::param_storage, before.params()) || adam.steps() != steps)
            __builtin_trap();
    }
    return 0;
}
