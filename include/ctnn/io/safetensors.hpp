#pragma once
/// \file safetensors.hpp
/// The safetensors format (https://github.com/huggingface/safetensors): an
/// 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// `{"0.weight": {"dtype": "F32", "shape": [128, 784], "data_offsets": [0, 401408]}, ...,
///   "__metadata__": {"key": "value"}}`, then the data section (offsets are
/// relative to its start, values little-endian, row-major).
///
/// ```cpp
/// io::save_safetensors(*net, "mlp.safetensors", {{"epochs", "20"}});
/// io::load_safetensors(*net, "mlp.safetensors");                // a torch state_dict saved with safetensors too
/// io::load_safetensors(*net, "big.safetensors", {.prefix = "model.", .allow_unexpected = true});
/// ```
/// Everything is checked before a single value reaches the network (header
/// length, JSON, dtypes, shapes and their element counts, offsets, overlaps,
/// the network's tensors present with their shapes, no others, finite
/// values): on any error the network is untouched and a `ctnn::error` names
/// the file, the tensor, what was found and what was expected; the tensors
/// are matched as a whole (`match_tensors`), so one error lists every
/// missing, unexpected and misshapen one, and names the prefix that explains
/// the missing names. A PyTorch `.pt` file is recognised and the error says
/// how to convert it (tools/save_safetensors.py).

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/error.hpp"
#include "../core/file.hpp"
#include "../net/network.hpp"
#include "dtype.hpp"

namespace ctnn::io {

/// One tensor of a safetensors file: `begin`/`end` are byte offsets in the
/// data section.
struct tensor_entry {
    std::string name;
    dtype type = dtype::f32;
    std::vector<std::size_t> shape;
    std::size_t begin = 0, end = 0;
    /// Number of elements (the product of `shape`; 1 for a scalar).
    std::size_t size() const noexcept { return (end - begin) / dtype_size(type); }
};

namespace detail {

/// The largest JSON header read (100 MB), whatever the file says.
inline constexpr std::uint64_t safetensors_max_header = 100'000'000;

/// "[128, 784]".
template <class Range>
std::string shape_text(const Range& shape) {
    std::string s = "[";
    bool first = true;
    for (auto d : shape) {
        if (!first) s += ", ";
        s += std::to_string(d);
        first = false;
    }
    return s + "]";
}

inline bool dtype_from_name(std::string_view s, dtype& t) noexcept {
    if (s == "F16") t = dtype::f16;
    else if (s == "BF16") t = dtype::bf16;
    else if (s == "F32") t = dtype::f32;
    else if (s == "F64") t = dtype::f64;
    else if (s == "I64") t = dtype::i64;
    else return false;
    return true;
}

inline const char* json_type(const nlohmann::json& j) noexcept {
    if (j.is_number_unsigned()) return "an unsigned integer";
    if (j.is_number_integer()) return "a negative integer";
    if (j.is_number_float()) return "a floating-point number";
    if (j.is_string()) return "a string";
    if (j.is_boolean()) return "a boolean";
    if (j.is_null()) return "null";
    if (j.is_array()) return "an array";
    return "an object";
}

/// Adds `"` around `name` for messages.
/// (Appended piece by piece: g++ 12 at -O3 warns falsely, -Wrestrict, on
/// `"'" + std::string(name)`, GCC PR 105329.)
inline std::string quote_name(std::string_view name) {
    std::string quoted;
    quoted.reserve(name.size() + 2);
    quoted += '\'';
    quoted += name;
    quoted += '\'';
    return quoted;
}

/// Why `bytes` (8 bytes or more, not recognised as another format) are no
/// safetensors file, and how to make one.
inline std::string not_safetensors_why(std::span<const std::uint8_t> bytes, std::uint64_t n) {
    std::string first;
    for (std::size_t i = 0; i < 8; ++i) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%s%02x", i ? " " : "", unsigned(bytes[i]));
        first += hex;
    }
    return "a safetensors file starts with an 8-byte header length and then the JSON header ('{' at byte 8), "
           "this one starts with the bytes " + first + " (a header length of " + std::to_string(n) +
           " for " + std::to_string(bytes.size() - 8) + " bytes) and has no '{' at byte 8; save the model with "
           "tools/save_safetensors.py (installed in share/ctnn/python), or in Python with "
           "safetensors.torch.save_file(model.state_dict(), \"model.safetensors\")";
}

}  // namespace detail

/// A parsed, fully validated safetensors file over bytes it does not own
/// (keep them alive while reading). Parsing allocates the entries and the
/// metadata; reading copies and converts one tensor.
class safetensors_view {
public:
    /// Parses and checks the header of the file in `bytes` (`file_name`
    /// names it in errors): header length, JSON, every entry's dtype, shape,
    /// element count (no overflow) and offsets (inside the data section,
    /// consistent with dtype and shape, no two ranges overlapping).
    static safetensors_view parse(std::span<const std::uint8_t> bytes, std::string file_name) {
        using nlohmann::json;
        safetensors_view v;
        v.bytes_ = bytes;
        v.name_ = std::move(file_name);
        const std::string& name = v.name_;
        if (bytes.empty()) throw error(name + ": empty file, expected a safetensors file");
        // A file of another format (a PyTorch .pt above all) says what it is,
        // unless it could still be safetensors (its JSON starts at byte 8).
        if (bytes.size() < 9 || bytes[8] != '{')
            if (std::string hint = ctnn::detail::foreign_format_hint(bytes);
                !hint.empty() && !hint.ends_with("io::load_safetensors"))
                throw error(name + ": not a safetensors file: " + hint);
        if (bytes.size() < 8)
            throw error(name + ": truncated header: the file has " + std::to_string(bytes.size()) +
                        " bytes, the header length alone needs 8");
        const std::uint64_t n = detail::load_le<std::uint64_t>(bytes.data());
        // No '{' at byte 8 and a header length that cannot be: no safetensors
        // file at all (a text file, another format) rather than a broken one.
        if ((bytes.size() == 8 || bytes[8] != '{') && (n < 2 || n > detail::safetensors_max_header || n > bytes.size() - 8))
            throw error(name + ": not a safetensors file: " + detail::not_safetensors_why(bytes, n));
        if (n < 2)
            throw error(name + ": header length " + std::to_string(n) + " is too small, a JSON object needs at least 2 bytes");
        if (n > detail::safetensors_max_header)
            throw error(name + ": header length " + std::to_string(n) + " is larger than the " +
                        std::to_string(detail::safetensors_max_header) + " bytes ctnn accepts");
        if (n > bytes.size() - 8)
            throw error(name + ": header length " + std::to_string(n) + " is larger than the " +
                        std::to_string(bytes.size() - 8) + " bytes that follow it (truncated file?)");
        v.data_start_ = 8 + static_cast<std::size_t>(n);
        const std::size_t data_size = bytes.size() - v.data_start_;

        // A JSON object may repeat a key, and the parser would keep the last:
        // a repeated tensor name is an error, so count the top-level keys.
        std::vector<std::string> keys;
        json::parser_callback_t count_keys = [&keys](int depth, json::parse_event_t ev, json& parsed) {
            if (ev == json::parse_event_t::key && depth == 1) keys.push_back(parsed.get<std::string>());
            return true;
        };
        json header;
        try {
            header = json::parse(bytes.data() + 8, bytes.data() + v.data_start_, count_keys);
        } catch (const json::exception& e) {
            throw error(name + ": the header is not valid UTF-8 JSON (" + e.what() + ")");
        }
        if (!header.is_object())
            throw error(name + ": the JSON header is " + detail::json_type(header) + ", expected an object");
        if (keys.size() != header.size()) {
            std::sort(keys.begin(), keys.end());
            const auto dup = std::adjacent_find(keys.begin(), keys.end());
            throw error(name + ": the JSON header names " + detail::quote_name(dup != keys.end() ? *dup : keys.front()) +
                        " twice");
        }

        for (const auto& [key, val] : header.items()) {
            if (key == "__metadata__") {
                if (!val.is_object())
                    throw error(name + ": __metadata__ is " + detail::json_type(val) + ", expected an object of strings");
                for (const auto& [k, s] : val.items()) {
                    if (!s.is_string())
                        throw error(name + ": __metadata__ value " + detail::quote_name(k) + " is " + detail::json_type(s) +
                                    ", expected a string");
                    v.metadata_.emplace(k, s.get<std::string>());
                }
                continue;
            }
            const std::string what = name + ": tensor " + detail::quote_name(key);
            if (!val.is_object())
                throw error(what + " is " + detail::json_type(val) + ", expected an object with dtype, shape and data_offsets");
            for (const char* field : {"dtype", "shape", "data_offsets"})
                if (!val.contains(field)) throw error(what + " has no " + field);
            const json& jd = val["dtype"];
            const json& js = val["shape"];
            const json& jo = val["data_offsets"];
            if (!jd.is_string()) throw error(what + ": dtype is " + detail::json_type(jd) + ", expected a string");
            tensor_entry e;
            e.name = key;
            const std::string dn = jd.get<std::string>();
            if (!detail::dtype_from_name(dn, e.type))
                throw error(what + " has dtype " + dn + ", ctnn reads F16, BF16, F32, F64 and I64");
            if (!js.is_array()) throw error(what + ": shape is " + detail::json_type(js) + ", expected an array");
            std::uint64_t count = 1;
            bool overflow = false;
            for (const json& d : js) {
                if (!d.is_number_unsigned())
                    throw error(what + ": shape has " + detail::json_type(d) + ", expected unsigned integers");
                const auto x = d.get<std::uint64_t>();
                if (x != 0 && count > std::numeric_limits<std::uint64_t>::max() / x) overflow = true;
                else count *= x;
                e.shape.push_back(static_cast<std::size_t>(x));
            }
            const std::uint64_t esize = dtype_size(e.type);
            if (overflow || count > std::numeric_limits<std::uint64_t>::max() / esize)
                throw error(what + ": shape " + detail::shape_text(e.shape) + " has more bytes than fit in 64 bits");
            if (!jo.is_array() || jo.size() != 2 || !jo[0].is_number_unsigned() || !jo[1].is_number_unsigned())
                throw error(what + ": data_offsets must be an array of two unsigned integers [begin, end]");
            const auto b = jo[0].get<std::uint64_t>(), en = jo[1].get<std::uint64_t>();
            const std::string offs = "data_offsets [" + std::to_string(b) + ", " + std::to_string(en) + "]";
            if (b > en) throw error(what + ": " + offs + " end before they begin");
            if (en > data_size)
                throw error(what + ": " + offs + " go past the end of the data section (" + std::to_string(data_size) +
                            " bytes)");
            if (en - b != count * esize)
                throw error(what + ": " + offs + " hold " + std::to_string(en - b) + " bytes, dtype " +
                            std::string(dtype_name(e.type)) + " and shape " + detail::shape_text(e.shape) + " need " +
                            std::to_string(count * esize));
            e.begin = static_cast<std::size_t>(b);
            e.end = static_cast<std::size_t>(en);
            v.tensors_.push_back(std::move(e));
        }
        std::sort(v.tensors_.begin(), v.tensors_.end(), [](const tensor_entry& a, const tensor_entry& b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
        });
        for (std::size_t i = 1; i < v.tensors_.size(); ++i) {
            const tensor_entry& a = v.tensors_[i - 1];
            const tensor_entry& b = v.tensors_[i];
            if (a.end > b.begin)
                throw error(name + ": tensors " + detail::quote_name(a.name) + " (bytes " + std::to_string(a.begin) + " to " +
                            std::to_string(a.end) + ") and " + detail::quote_name(b.name) + " (bytes " +
                            std::to_string(b.begin) + " to " + std::to_string(b.end) + ") overlap");
        }
        return v;
    }

    /// The tensors, in the order of their offsets.
    const std::vector<tensor_entry>& tensors() const noexcept { return tensors_; }
    /// The tensor called `name`, or null. Linear in the number of tensors.
    const tensor_entry* find(std::string_view name) const noexcept {
        for (const tensor_entry& e : tensors_)
            if (e.name == name) return &e;
        return nullptr;
    }
    /// The `__metadata__` strings (empty when the file has none).
    const std::map<std::string, std::string>& metadata() const noexcept { return metadata_; }
    /// The name errors use.
    const std::string& file_name() const noexcept { return name_; }
    /// The raw little-endian bytes of `e`.
    std::span<const std::uint8_t> bytes_of(const tensor_entry& e) const noexcept {
        return bytes_.subspan(data_start_ + e.begin, e.end - e.begin);
    }

    /// Converts `e`'s `e.size()` values to `T` (float or double) into `out`.
    /// A NaN or an infinity (also a double too large for float) throws
    /// `ctnn::error` unless `allow_nonfinite`; `out` may then be partly written.
    template <class T>
    void read(const tensor_entry& e, T* out, bool allow_nonfinite = false) const {
        static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                      "ctnn: safetensors_view::read converts to float or double");
        const std::uint8_t* p = bytes_.data() + data_start_ + e.begin;
        const std::size_t n = e.size();
        if (std::endian::native == std::endian::little && e.type == dtype_of<T>) {
            if (n) std::memcpy(out, p, n * sizeof(T));  // same type, same byte order
        } else {
            for (std::size_t i = 0; i < n; ++i) out[i] = T(detail::load_element(e.type, p, i));
        }
        if (allow_nonfinite) return;
        for (std::size_t i = 0; i < n; ++i)
            if (!std::isfinite(out[i])) {
                const double src = detail::load_element(e.type, p, i);
                const std::string where = name_ + ": tensor " + detail::quote_name(e.name) + " has ";
                const std::string tail = " at index " + std::to_string(i) + " (load with allow_nonfinite to accept it)";
                if (std::isnan(src)) throw error(where + "a NaN" + tail);
                if (std::isinf(src)) throw error(where + "an infinity" + tail);
                char value[32];
                std::snprintf(value, sizeof value, "%.9g", src);
                throw error(where + "the value " + value + ", too large for float," + tail);
            }
    }

private:
    safetensors_view() = default;
    std::span<const std::uint8_t> bytes_;
    std::size_t data_start_ = 0;
    std::string name_;
    std::vector<tensor_entry> tensors_;
    std::map<std::string, std::string> metadata_;
};

/// How `load_safetensors` maps the network's tensors to the file's.
struct load_options {
    /// Put before every name: "model." finds `0.weight` as "model.0.weight".
    std::string prefix{};
    /// Optional: maps the prefixed ctnn name to the file's name.
    std::function<std::string(std::string_view)> rename{};
    /// Tensors in the file the network does not have are ignored instead of an error.
    bool allow_unexpected = false;
    /// NaN and infinities are loaded instead of an error.
    bool allow_nonfinite = false;
};

/// A tensor the network has: its ctnn name (`0.weight`, before `prefix` and
/// `rename`) and its shape.
struct expected_tensor {
    std::string name;
    std::vector<std::size_t> shape;
};

namespace detail {

/// A prefix under which the file holds every tensor of `want` (tried: what
/// comes before the first name in each file name that ends with it), or
/// null when none does or it is the one already given.
inline const std::string* prefix_hint(const safetensors_view& file, std::span<const expected_tensor> want,
                                      const std::string& given, std::string& out) {
    if (want.empty()) return nullptr;
    for (const tensor_entry& e : file.tensors()) {
        if (!e.name.ends_with(want[0].name)) continue;
        std::string p = e.name.substr(0, e.name.size() - want[0].name.size());
        if (p == given) continue;
        if (std::all_of(want.begin(), want.end(), [&](const expected_tensor& w) { return file.find(p + w.name); })) {
            out = std::move(p);
            return &out;
        }
    }
    return nullptr;
}

/// 'a' [2, 3], 'b' [3] and 4 more (past `max`).
template <class Names>
std::string tensor_list(const Names& items, std::size_t max = std::size_t(-1)) {
    std::string s;
    std::size_t i = 0;
    for (const auto& [name, shape] : items) {
        if (i == max) break;
        s += (i++ ? ", " : "") + quote_name(name) + " " + shape_text(shape);
    }
    if (items.size() > max) s += " and " + std::to_string(items.size() - max) + " more";
    return s;
}

}  // namespace detail

/// The file's tensor for each of `want` (same order), looked up as
/// `opt.rename(opt.prefix + name)`. Checks all of them before it throws: one
/// `ctnn::error` names every missing tensor (with its expected shape and the
/// file's own names, the first 8), every unexpected one (unless `opt.allow_unexpected`)
/// and every one with another shape (found and expected), and suggests the
/// prefix when one explains the missing names. O(want × tensors).
inline std::vector<const tensor_entry*> match_tensors(const safetensors_view& file, std::span<const expected_tensor> want,
                                                      const load_options& opt = {}) {
    const auto& all = file.tensors();
    std::vector<bool> used(all.size(), false);
    std::vector<const tensor_entry*> found;
    std::vector<std::pair<std::string, std::vector<std::size_t>>> missing, extra;
    std::vector<std::string> problems;
    for (const expected_tensor& w : want) {
        std::string name = opt.prefix + w.name;
        if (opt.rename) name = opt.rename(name);
        const tensor_entry* e = file.find(name);
        found.push_back(e);
        if (!e) {
            missing.emplace_back(name, w.shape);
            continue;
        }
        used[std::size_t(e - all.data())] = true;
        if (e->shape != w.shape)
            problems.push_back("tensor " + detail::quote_name(name) + " has shape " + detail::shape_text(e->shape) +
                               ", expected " + detail::shape_text(w.shape));
    }
    for (std::size_t i = 0; i < all.size(); ++i)
        if (!used[i]) extra.emplace_back(all[i].name, all[i].shape);
    if (!missing.empty()) {
        std::vector<std::pair<std::string, std::vector<std::size_t>>> own;
        for (const tensor_entry& e : all) own.emplace_back(e.name, e.shape);
        std::string m = std::string("missing tensor") + (missing.size() > 1 ? "s " : " ") + detail::tensor_list(missing) +
                        " (the file has " + std::to_string(all.size()) + " tensor" + (all.size() == 1 ? "" : "s") +
                        (all.empty() ? "" : ": " + detail::tensor_list(own, 8)) + ")";
        std::string p;
        if (!opt.rename && detail::prefix_hint(file, want, opt.prefix, p))
            m += p.empty() ? "; the file has every tensor without the prefix " + detail::quote_name(opt.prefix) +
                                 ": load without a prefix"
                           : "; the file has every tensor under the prefix " + detail::quote_name(p) +
                                 ": load with prefix \"" + p + "\"";
        problems.insert(problems.begin(), std::move(m));
    }
    if (!extra.empty() && !opt.allow_unexpected)
        problems.push_back(std::string("unexpected tensor") + (extra.size() > 1 ? "s " : " ") + detail::tensor_list(extra) +
                           ", the network has no such parameter (load with allow_unexpected to ignore)");
    if (!problems.empty()) {
        std::string m = file.file_name() + ": ";
        for (std::size_t i = 0; i < problems.size(); ++i) m += (i ? "; " : "") + problems[i];
        throw error(m);
    }
    return found;
}

/// Loads the network's parameters from a parsed file (see the path
/// overload). Allocates one staging copy of the parameters.
template <Network Net>
void load_safetensors(Net& net, const safetensors_view& file, const load_options& opt = {}) {
    using T = typename Net::value_type;
    std::vector<expected_tensor> want;
    std::vector<std::size_t> offsets;
    const T* base = std::as_const(net).params();
    std::as_const(net).for_each_param([&](const std::string& name, const auto& info, const T* data) {
        want.push_back({name, std::vector<std::size_t>(info.dims.begin(), info.dims.begin() + info.rank)});
        offsets.push_back(std::size_t(data - base));
    });
    const std::vector<const tensor_entry*> found = match_tensors(file, want, opt);
    // Every value converted and checked in a staging copy before the network changes.
    std::vector<T> stage(base, base + Net::param_storage);
    for (std::size_t i = 0; i < found.size(); ++i) file.read(*found[i], stage.data() + offsets[i], opt.allow_nonfinite);
    std::copy(stage.begin(), stage.end(), net.params());
}

/// Loads the network's parameters from the safetensors file at `path`: the
/// tensor for ctnn's `0.weight` is `rename(prefix + "0.weight")` (just
/// "0.weight" by default, as in a PyTorch `nn.Sequential` state_dict), with
/// the network's shape; F16/BF16/F32/F64 are converted to the network's
/// type. Throws `ctnn::error` (network untouched) on any problem with the
/// file. Reads the whole file into memory.
template <Network Net>
void load_safetensors(Net& net, const std::string& path, const load_options& opt = {}) {
    const std::vector<std::uint8_t> bytes = ctnn::detail::read_file(path);
    load_safetensors(net, safetensors_view::parse(bytes, path), opt);
}

/// One tensor to write: `data` holds the shape's element count of `type`
/// (host byte order; f16/bf16 as their 16-bit patterns).
struct tensor_out {
    std::string name;
    std::vector<std::size_t> shape;
    const void* data = nullptr;
    dtype type = dtype::f32;
};

/// The bytes of a safetensors file holding `tensors` (in that order) and
/// `metadata`; the header is padded with spaces to a multiple of 8 bytes.
inline std::vector<std::uint8_t> safetensors_header(std::span<const tensor_out> tensors,
                                                    const std::map<std::string, std::string>& metadata) {
    nlohmann::json h = nlohmann::json::object();
    std::uint64_t offset = 0;
    for (const tensor_out& t : tensors) {
        if (t.name == "__metadata__") throw error("a tensor cannot be called __metadata__");
        if (h.contains(t.name)) throw error("two tensors are called " + detail::quote_name(t.name));
        std::uint64_t count = 1;
        for (std::size_t d : t.shape) count *= d;
        const std::uint64_t end = offset + count * dtype_size(t.type);
        h[t.name] = {{"dtype", dtype_name(t.type)}, {"shape", t.shape}, {"data_offsets", {offset, end}}};
        offset = end;
    }
    if (!metadata.empty()) h["__metadata__"] = metadata;
    std::string text = h.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::vector<std::uint8_t> out(8 + text.size());
    detail::store_le<std::uint64_t>(out.data(), text.size());
    std::memcpy(out.data() + 8, text.data(), text.size());
    return out;
}

/// Writes `tensors` (in that order) and `metadata` as a safetensors file,
/// atomically (a temporary file renamed over `path`, see
/// `write_file_atomic`). Throws `ctnn::error` naming `path`.
inline void write_safetensors(std::span<const tensor_out> tensors, const std::string& path,
                              const std::map<std::string, std::string>& metadata = {}) {
    std::vector<std::uint8_t> header;
    try {
        header = safetensors_header(tensors, metadata);
    } catch (const error& e) {
        throw error(path + ": " + std::string(e.what()).substr(6));  // drop the inner "ctnn: "
    }
    std::vector<std::span<const std::uint8_t>> parts{header};
    std::vector<std::vector<std::uint8_t>> swapped;  // big-endian hosts only
    for (const tensor_out& t : tensors) {
        std::size_t count = 1;
        for (std::size_t d : t.shape) count *= d;
        const std::size_t es = dtype_size(t.type);
        const auto* p = static_cast<const std::uint8_t*>(t.data);
        if constexpr (std::endian::native == std::endian::little) {
            parts.emplace_back(p, count * es);
        } else {
            auto& b = swapped.emplace_back(p, p + count * es);
            for (std::size_t i = 0; i < count; ++i) std::reverse(b.begin() + i * es, b.begin() + (i + 1) * es);
            parts.emplace_back(b);
        }
    }
    ctnn::detail::write_file_atomic(path, parts);
}

/// The order before every save function took the object first.
[[deprecated("ctnn: write_safetensors takes the tensors first: write_safetensors(tensors, path, metadata)")]]
inline void write_safetensors(const std::string& path, std::span<const tensor_out> tensors,
                              const std::map<std::string, std::string>& metadata = {}) {
    write_safetensors(tensors, path, metadata);
}

/// Saves the network's parameters (PyTorch's names, `0.weight`, ...) as a
/// safetensors file, written atomically; `type` f16/bf16 round to nearest
/// even, f32/f64 are exact for a float/double network (a double network
/// saved as f32 is rounded). Allocates a converted copy unless `type` is
/// the network's own.
template <Network Net>
void save_safetensors(const Net& net, const std::string& path, const std::map<std::string, std::string>& metadata = {},
                      dtype type = dtype::f32) {
    using T = typename Net::value_type;
    std::vector<tensor_out> out;
    std::vector<std::vector<std::uint8_t>> converted;
    net.for_each_param([&](const std::string& name, const auto& info, const T* data) {
        tensor_out t{name, std::vector<std::size_t>(info.dims.begin(), info.dims.begin() + info.rank), data, type};
        if (type != dtype_of<T>) {
            auto& buf = converted.emplace_back(info.size() * dtype_size(type));
            for (std::size_t i = 0; i < info.size(); ++i) {
                detail::store_element(type, buf.data(), i, data[i]);
            }
            // store_element writes little-endian; write_safetensors wants host order.
            if constexpr (std::endian::native != std::endian::little)
                for (std::size_t i = 0; i < info.size(); ++i)
                    std::reverse(buf.begin() + i * dtype_size(type), buf.begin() + (i + 1) * dtype_size(type));
            t.data = buf.data();
        }
        out.push_back(std::move(t));
    });
    write_safetensors(out, path, metadata);
}

}  // namespace ctnn::io
