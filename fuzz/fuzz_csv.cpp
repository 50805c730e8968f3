// libFuzzer target: the CSV reader, for a classification table of 3
// features and a regression table of 2 features and 1 target.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <ctnn/train/csv.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    using Classes = ctnn::train::Dataset<float, ctnn::Shape<3>>;
    using Regression = ctnn::train::Dataset<double, ctnn::Shape<2>, ctnn::Shape<1>>;
    try {
        const auto ds = ctnn::train::parse_csv<Classes>(text, "fuzz.csv", {.header = size > 0 && data[0] == 'h'}, 4);
        for (std::size_t i = 0; i < ds.size(); ++i)
            if (ds.label(i) < 0 || ds.label(i) >= 4) __builtin_trap();
    } catch (const ctnn::error&) {
    }
    try {
        (void)ctnn::train::parse_csv<Regression>(text, "fuzz.csv", {.delimiter = ';'});
    } catch (const ctnn::error&) {
    }
    return 0;
}
