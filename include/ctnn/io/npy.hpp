#pragma once
/// \file npy.hpp
/// NumPy's `.npy` format, versions 1.0, 2.0 and 3.0
/// (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
/// the magic `\x93NUMPY`, the version, a little-endian header length (u16 in
/// 1.0, u32 after), a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with
/// spaces and a newline, then the values.
///
/// ```cpp
/// auto x = io::load_npy<Tensor<float, 8, 784>>("batch.npy");   // np.save("batch.npy", a.astype(np.float32))
/// io::save_npy(x, "copy.npy");                                  // np.load("copy.npy")
/// ```
/// Little-endian float16/32/64 are read (converted to the tensor's type), a
/// Fortran-order array is transposed to row-major; anything else throws
/// `ctnn::error` naming the file and what it found.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/error.hpp"
#include "../core/file.hpp"
#include "detail/text_cursor.hpp"
#include "dtype.hpp"

namespace ctnn::io {

/// A parsed `.npy` file: element type, shape, order, and its value bytes
/// (a view into the file's bytes, little-endian).
struct npy_array {
    dtype type = dtype::f32;
    std::vector<std::size_t> shape;
    bool fortran_order = false;
    std::span<const std::uint8_t> data;
    std::size_t size() const noexcept {
        std::size_t n = 1;
        for (std::size_t d : shape) n *= d;
        return n;
    }
};

namespace detail {

/// A cursor over the header's dict literal, with errors that say where.
class npy_header_parser : public text_cursor {
public:
    npy_header_parser(std::string_view text, const std::string& name) : text_cursor{text}, name_(name) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw error(name_ + ": bad .npy header at character " + std::to_string(pos) + ": " + what + " in \"" +
                    std::string(s.substr(0, 120)) + "\"");
    }
    void expect(char c) {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }
    std::string string() {
        skip_ws();
        if (pos >= s.size() || (s[pos] != '\'' && s[pos] != '"')) fail("expected a quoted string");
        const char q = s[pos++];
        const std::size_t end = s.find(q, pos);
        if (end == std::string_view::npos) fail("unterminated string");
        std::string out(s.substr(pos, end - pos));
        pos = end + 1;
        return out;
    }
    bool boolean() {
        skip_ws();
        if (s.substr(pos, 4) == "True") {
            pos += 4;
            return true;
        }
        if (s.substr(pos, 5) == "False") {
            pos += 5;
            return false;
        }
        fail("expected True or False");
    }
    std::size_t integer() {
        skip_ws();
        if (pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[pos])))
            fail("expected a non-negative integer");
        std::size_t v = 0;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            const std::size_t d = std::size_t(s[pos++] - '0');
            if (v > (std::numeric_limits<std::size_t>::max() - d) / 10) fail("an extent too large");
            v = v * 10 + d;
        }
        if (pos < s.size() && s[pos] == 'L') ++pos;  // Python 2's long suffix
        return v;
    }
    std::vector<std::size_t> tuple() {
        expect('(');
        std::vector<std::size_t> out;
        if (eat(')')) return out;
        for (;;) {
            out.push_back(integer());
            if (eat(')')) return out;
            expect(',');
            if (eat(')')) return out;
        }
    }

private:
    const std::string& name_;
};

}  // namespace detail

/// Parses a `.npy` file in memory (`name` names it in errors): magic,
/// version, header dict (descr '<f2', '<f4' or '<f8', fortran_order, shape),
/// and a data size that matches exactly. Allocates only the shape.
inline npy_array parse_npy(std::span<const std::uint8_t> bytes, const std::string& name) {
    static constexpr std::uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (bytes.empty()) throw error(name + ": empty file, expected a .npy file");
    if (bytes.size() < 10 || std::memcmp(bytes.data(), magic, 6) != 0) {
        if (bytes.size() >= 6 && std::memcmp(bytes.data(), magic, 6) == 0)
            throw error(name + ": truncated .npy header (" + std::to_string(bytes.size()) + " bytes)");
        const std::string hint = ctnn::detail::foreign_format_hint(bytes);
        throw error(name + ": not a .npy file (it does not start with \\x93NUMPY)" + (hint.empty() ? "" : ": " + hint));
    }
    const unsigned major = bytes[6], minor = bytes[7];
    if (major < 1 || major > 3 || minor != 0)
        throw error(name + ": .npy version " + std::to_string(major) + "." + std::to_string(minor) +
                    " is not supported, ctnn reads 1.0, 2.0 and 3.0");
    const std::size_t len_size = major == 1 ? 2 : 4;
    if (bytes.size() < 8 + len_size) throw error(name + ": truncated .npy header (" + std::to_string(bytes.size()) + " bytes)");
    const std::size_t hlen = major == 1 ? detail::load_le<std::uint16_t>(bytes.data() + 8)
                                        : detail::load_le<std::uint32_t>(bytes.data() + 8);
    const std::size_t start = 8 + len_size;
    if (hlen > bytes.size() - start)
        throw error(name + ": .npy header length " + std::to_string(hlen) + " is larger than the " +
                    std::to_string(bytes.size() - start) + " bytes that follow it");
    const std::string_view text(reinterpret_cast<const char*>(bytes.data() + start), hlen);
    if (major < 3)
        for (char c : text)
            if (static_cast<unsigned char>(c) > 0x7F) throw error(name + ": .npy header is not ASCII");

    detail::npy_header_parser p(text, name);
    npy_array a;
    bool has_descr = false, has_order = false, has_shape = false;
    std::string descr;
    p.expect('{');
    while (!p.eat('}')) {
        const std::string key = p.string();
        p.expect(':');
        if (key == "descr") {
            descr = p.string();
            has_descr = true;
        } else if (key == "fortran_order") {
            a.fortran_order = p.boolean();
            has_order = true;
        } else if (key == "shape") {
            a.shape = p.tuple();
            has_shape = true;
        } else {
            p.fail("unknown key '" + key + "'");
        }
        if (!p.eat(',')) {
            p.expect('}');
            break;
        }
    }
    if (!p.at_end()) p.fail("text after the dict");
    if (!has_descr || !has_order || !has_shape)
        throw error(name + ": .npy header lacks " +
                    std::string(!has_descr ? "'descr'" : !has_order ? "'fortran_order'" : "'shape'"));
    if (descr.size() >= 2 && descr[0] == '>')
        throw error(name + ": dtype '" + descr + "' is big-endian, ctnn reads little-endian '<f2', '<f4', '<f8'");
    if (descr == "<f2") a.type = dtype::f16;
    else if (descr == "<f4") a.type = dtype::f32;
    else if (descr == "<f8") a.type = dtype::f64;
    else throw error(name + ": dtype '" + descr + "' is not supported, ctnn reads '<f2', '<f4' and '<f8'");

    const std::size_t es = dtype_size(a.type);
    std::size_t count = 1;
    for (std::size_t d : a.shape) {
        if (d != 0 && count > std::numeric_limits<std::size_t>::max() / es / d)
            throw error(name + ": shape has more bytes than fit in memory");
        count *= d;
    }
    const std::size_t have = bytes.size() - start - hlen;
    if (have < count * es)
        throw error(name + ": truncated data: the shape needs " + std::to_string(count * es) + " bytes, the file has " +
                    std::to_string(have));
    if (have > count * es)
        throw error(name + ": " + std::to_string(have - count * es) + " bytes of trailing data after the " +
                    std::to_string(count * es) + " the shape needs");
    a.data = bytes.subspan(start + hlen, count * es);
    return a;
}

namespace detail {
inline std::string npy_shape(const std::vector<std::size_t>& s) {
    std::string t = "(";
    for (std::size_t i = 0; i < s.size(); ++i) t += std::to_string(s[i]) + (i + 1 < s.size() || s.size() == 1 ? "," : "") + (i + 1 < s.size() ? " " : "");
    return t + ")";
}
}  // namespace detail

/// Reads the `.npy` file at `path` into `out`, whose shape it must have;
/// values are converted to the tensor's type (no check for NaN: data may hold
/// them). On any error `out` is untouched. Allocates the file's bytes and one
/// converted copy.
template <class Tensor>
    requires requires { typename Tensor::shape_type; }
void load_npy(Tensor& out, const std::string& path) {
    using T = typename Tensor::value_type;
    constexpr auto dims = Tensor::shape_type::dims;
    const std::vector<std::uint8_t> bytes = ctnn::detail::read_file(path);
    const npy_array a = parse_npy(bytes, path);
    if (!(a.shape.size() == dims.size() && std::equal(dims.begin(), dims.end(), a.shape.begin())))
        throw error(path + ": array has shape " + detail::npy_shape(a.shape) + ", expected " +
                    detail::npy_shape(std::vector<std::size_t>(dims.begin(), dims.end())));
    std::vector<T> vals(Tensor::size);
    if (!a.fortran_order || dims.size() < 2) {
        for (std::size_t i = 0; i < vals.size(); ++i) vals[i] = T(detail::load_element(a.type, a.data.data(), i));
    } else {
        // Column-major on disk: element (i0, ..., ik) is at i0 + d0 (i1 + d1 (...)).
        std::array<std::size_t, dims.size()> idx{};
        for (std::size_t i = 0; i < vals.size(); ++i) {
            std::size_t off = 0;
            for (std::size_t k = dims.size(); k-- > 0;) off = off * dims[k] + idx[k];
            vals[i] = T(detail::load_element(a.type, a.data.data(), off));
            for (std::size_t k = dims.size(); k-- > 0;) {
                if (++idx[k] < dims[k]) break;
                idx[k] = 0;
            }
        }
    }
    std::copy(vals.begin(), vals.end(), out.data());
}

/// The order before every save and load function took the objects first.
template <class Tensor>
    requires requires { typename Tensor::shape_type; }
[[deprecated("ctnn: load_npy takes the tensor first: load_npy(out, path)")]]
void load_npy(const std::string& path, Tensor& out) {
    load_npy(out, path);
}

/// The `.npy` file at `path` as a tensor (see the overload taking `out`).
template <class Tensor>
Tensor load_npy(const std::string& path) {
    Tensor t;
    load_npy(t, path);
    return t;
}

/// The bytes of a version 1.0 `.npy` file holding `t` ('<f4' or '<f8', C order).
template <class Tensor>
std::vector<std::uint8_t> npy_bytes(const Tensor& t) {
    using T = typename Tensor::value_type;
    constexpr auto dims = Tensor::shape_type::dims;
    const dtype type = dtype_of<T>;
    std::string h = std::string("{'descr': '") + (type == dtype::f64 ? "<f8" : "<f4") +
                    "', 'fortran_order': False, 'shape': " +
                    detail::npy_shape(std::vector<std::size_t>(dims.begin(), dims.end())) + ", }";
    h.append(63 - (10 + h.size()) % 64, ' ');  // the values start on a 64-byte boundary
    h += '\n';
    std::vector<std::uint8_t> out(10 + h.size() + Tensor::size * sizeof(T));
    const std::uint8_t magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    std::memcpy(out.data(), magic, 8);
    detail::store_le<std::uint16_t>(out.data() + 8, std::uint16_t(h.size()));
    std::memcpy(out.data() + 10, h.data(), h.size());
    for (std::size_t i = 0; i < Tensor::size; ++i) detail::store_element(type, out.data() + 10 + h.size(), i, t.data()[i]);
    return out;
}

/// Saves `t` as a `.npy` file (NumPy reads it with `np.load`), atomically
/// (see `write_file_atomic`). Allocates the file's bytes.
template <class Tensor>
void save_npy(const Tensor& t, const std::string& path) {
    const std::vector<std::uint8_t> bytes = npy_bytes(t);
    const std::span<const std::uint8_t> part(bytes);
    ctnn::detail::write_file_atomic(path, std::span(&part, 1));
}

}  // namespace ctnn::io
