// libFuzzer target: the IDX reader (plain and gzipped) on arbitrary bytes.
// Any input must either parse or throw ctnn::error; the sanitizers catch
// the rest. A parsed file is also loaded as a dataset (sizes, labels).
#include <cstddef>
#include <cstdint>
#include <span>

#include <ctnn/train/idx.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto a = ctnn::train::parse_idx(std::span<const std::uint8_t>(data, size), "fuzz.idx");
        std::size_t n = 1;
        for (auto d : a.dims) n *= d;
        if (n != a.data.size()) __builtin_trap();  // the parser's own invariant
    } catch (const ctnn::error&) {
    }
    return 0;
}
