#pragma once
/// \file csv.hpp
/// Small numeric tables as datasets: one sample a line, fields separated by
/// `delimiter` (no quoting). Classification: every column but the label
/// column is a feature, the label an integer in [0, classes). Regression: the
/// first `sample_size` columns are the features, the last `target_size` the
/// targets.
///
/// ```cpp
/// using Iris = train::Dataset<float, Shape<4>>;
/// Iris d = train::load_csv<Iris>("iris.csv", {.header = true}, 3);
/// ```
/// Bad data throws `ctnn::error` naming the file, the line and the column.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../core/error.hpp"
#include "dataset.hpp"
#include "../core/file.hpp"

namespace ctnn {
namespace train {

/// How a CSV table is laid out.
struct csv_options {
    bool header = false;    ///< the first non-blank line names the columns: skipped
    char delimiter = ',';
    int label_column = -1;  ///< classification: 0-based, negative counts from the back (-1: last)
};

}  // namespace train

namespace train_detail {

/// A field quoted for a message (long ones shortened).
inline std::string quoted(std::string_view f) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, PR 105651) on "..." + std::string.
    std::string q(1, '\'');
    q += f.size() > 40 ? f.substr(0, 37) : f;
    q += f.size() > 40 ? "...'" : "'";
    return q;
}

inline std::string_view trim(std::string_view f, char delimiter) {
    auto blank = [&](char c) { return (c == ' ' || c == '\t' || c == '\r') && c != delimiter; };
    while (!f.empty() && blank(f.front())) f.remove_prefix(1);
    while (!f.empty() && blank(f.back())) f.remove_suffix(1);
    return f;
}

/// The column of the label among `columns`, or throws.
inline std::size_t label_column(const train::csv_options& opt, std::size_t columns, const std::string& name) {
    const long long c = opt.label_column < 0 ? (long long)columns + opt.label_column : opt.label_column;
    if (c < 0 || c >= (long long)columns)
        throw error(name + ": label_column " + std::to_string(opt.label_column) + " is outside the " +
                    std::to_string(columns) + " columns a row has");
    return static_cast<std::size_t>(c);
}

}  // namespace train_detail

namespace train {

/// Parses CSV `text` into a dataset; `name` names it in messages. Blank lines
/// are skipped, a trailing '\r' is ignored, fields may be padded with spaces.
/// `classes` (classification only) bounds the labels, 0 for no upper bound.
/// Throws `ctnn::error` for an empty table, a wrong column count, a field
/// that is not a finite number (or overflows `T`), a label that is not an
/// integer in range. Costs one pass; allocates the dataset.
template <class Ds>
Ds parse_csv(std::string_view text, const std::string& name, csv_options opt = {}, std::size_t classes = 0) {
    using T = typename Ds::value_type;
    constexpr std::size_t columns = Ds::sample_size + Ds::target_size;
    const std::size_t label_col =
        Ds::classification ? train_detail::label_column(opt, columns, name) : columns;

    Ds ds;
    std::vector<T> x(Ds::sample_size), y(Ds::classification ? 0 : Ds::target_size);
    std::vector<std::string_view> fields;
    fields.reserve(columns);
    bool header_pending = opt.header;
    std::size_t line_no = 0;

    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = train_detail::trim(text.substr(pos, end - pos), opt.delimiter);
        pos = end + 1;
        ++line_no;
        if (line.empty()) continue;
        if (header_pending) {
            header_pending = false;
            continue;
        }
        const std::string at = name + ": line " + std::to_string(line_no);

        fields.clear();
        for (std::size_t f = 0;;) {
            const std::size_t d = line.find(opt.delimiter, f);
            const std::size_t len = d == std::string_view::npos ? d : d - f;
            fields.push_back(train_detail::trim(line.substr(f, len), opt.delimiter));
            if (d == std::string_view::npos) break;
            f = d + 1;
        }
        if (fields.size() != columns)
            throw error(at + ": expected " + std::to_string(columns) + " columns, found " +
                        std::to_string(fields.size()));

        std::size_t xi = 0, yi = 0;
        std::int32_t label = 0;
        for (std::size_t c = 0; c < columns; ++c) {
            const std::string col = at + ", column " + std::to_string(c + 1);
            std::string_view f = fields[c];
            if (f.empty()) throw error(col + ": empty field, expected a number");
            std::string_view digits = f;
            if (digits.front() == '+') digits.remove_prefix(1);  // from_chars takes no '+'
            double v = 0;
            const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            if (ec == std::errc::result_out_of_range)
                throw error(col + ": " + train_detail::quoted(f) + " is out of the range of a double");
            if (ec != std::errc{} || p != digits.data() + digits.size() || digits.empty())
                throw error(col + ": expected a number, found " + train_detail::quoted(f));
            if (!std::isfinite(v)) throw error(col + ": expected a finite number, found " + train_detail::quoted(f));

            if (Ds::classification && c == label_col) {
                if (v != std::floor(v))
                    throw error(col + ": the label " + train_detail::quoted(f) + " is not an integer");
                if (v < 0 || (classes != 0 && v >= double(classes)) ||
                    v > double(std::numeric_limits<std::int32_t>::max()))
                    throw error(col + ": label " + train_detail::quoted(f) + " is out of range, expected 0 to " +
                                (classes ? std::to_string(classes - 1) + " (" + std::to_string(classes) + " classes)"
                                         : std::to_string(std::numeric_limits<std::int32_t>::max())));
                label = static_cast<std::int32_t>(v);
                continue;
            }
            const T tv = static_cast<T>(v);
            if (!std::isfinite(tv))
                throw error(col + ": " + train_detail::quoted(f) + " overflows " +
                            (sizeof(T) == 4 ? "float" : "double"));
            if (xi < Ds::sample_size)
                x[xi++] = tv;
            else
                y[yi++] = tv;
        }
        if constexpr (Ds::classification)
            ds.push_back(x.data(), label);
        else
            ds.push_back(x.data(), y.data());
    }
    if (ds.empty())
        throw error(name + (opt.header ? ": no data rows after the header" : ": empty file") + ", expected rows of " +
                    std::to_string(columns) + " columns");
    return ds;
}

/// Reads the CSV file at `path` (see `parse_csv`); also throws `ctnn::error`
/// when it is missing, a directory or unreadable.
template <class Ds>
Ds load_csv(const std::string& path, csv_options opt = {}, std::size_t classes = 0) {
    const std::vector<std::uint8_t> bytes = ctnn::detail::read_file(path);
    return parse_csv<Ds>(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path, opt,
                         classes);
}

/// Writes `ds` as CSV in the layout `load_csv` reads back with the same
/// options (shortest round-trip decimal form of each value; a header line
/// `x0,x1,...,label` or `...,y0,y1` when `opt.header`). Throws `ctnn::error`
/// when the file cannot be written.
template <class Ds>
void save_csv(const Ds& ds, const std::string& path, csv_options opt = {}) {
    constexpr std::size_t columns = Ds::sample_size + Ds::target_size;
    const std::size_t label_col =
        Ds::classification ? train_detail::label_column(opt, columns, path) : columns;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw error(path + ": cannot open the file for writing");

    auto row = [&](auto&& cell) {
        std::string line;
        for (std::size_t c = 0, xi = 0, yi = 0; c < columns; ++c) {
            if (c) line += opt.delimiter;
            if (c == label_col)
                line += cell(true, 0);
            else if (xi < Ds::sample_size)
                line += cell(false, xi++);
            else
                line += cell(true, yi++);
        }
        line += '\n';
        out.write(line.data(), std::streamsize(line.size()));
    };
    auto number = [](auto v) {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        return std::string(buf, r.ptr);
    };
    if (opt.header)
        row([&](bool target, std::size_t j) {
            if (Ds::classification && target) return std::string("label");
            std::string h(1, target ? 'y' : 'x');
            return h += std::to_string(j);
        });
    for (std::size_t i = 0; i < ds.size(); ++i)
        row([&](bool target, std::size_t j) {
            if (!target) return number(ds.input(i)[j]);
            if constexpr (Ds::classification)
                return number(ds.label(i));
            else
                return number(ds.target(i)[j]);
        });
    out.flush();
    if (!out) throw error(path + ": write error");
}

}  // namespace train
}  // namespace ctnn
