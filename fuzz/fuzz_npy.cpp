// libFuzzer target: the .npy parser on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include <ctnn/io/npy.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto a = ctnn::io::parse_npy(std::span<const std::uint8_t>(data, size), "fuzz.npy");
        std::size_t n = 1;
        for (auto d : a.shape) n *= d;
        if (n * ctnn::io::dtype_size(a.type) > size) __builtin_trap();  // the data must be in the file
    } catch (const ctnn::error&) {
    }
    return 0;
}
