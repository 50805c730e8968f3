// libFuzzer target: the safetensors parser on arbitrary bytes, then a load
// into a small network (shapes, dtypes, names, NaN checks, staging). Any
// input must parse or throw ctnn::error, and a failed load must leave the
// network as it was.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include <ctnn/io/safetensors.hpp>
#include <ctnn/net.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using Net = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<4>, ctnn::ReLU, ctnn::Dense<2>>;
    static Net net;
    const std::span<const std::uint8_t> bytes(data, size);
    try {
        const auto file = ctnn::io::safetensors_view::parse(bytes, "fuzz.safetensors");
        for (const auto& e : file.tensors()) {
            if (e.end < e.begin || e.end - e.begin > size) __builtin_trap();  // offsets were validated
            std::size_t n = 1;
            for (auto d : e.shape) n *= d;
            if (n <= 64) {
                double out[64];
                file.read(e, out, true);
            }
        }
        const Net before = net;
        try {
            ctnn::io::load_safetensors(net, file, {.allow_unexpected = size % 2 == 0});
        } catch (const ctnn::error&) {
            if (!std::equal(net.params(), net.params() + Net::param_storage, before.params())) __builtin_trap();
        }
    } catch (const ctnn::error&) {
    }
    return 0;
}
