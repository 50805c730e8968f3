#pragma once
/// \file idx.hpp
/// The IDX file format of MNIST and Fashion-MNIST
/// (http://yann.lecun.com/exdb/mnist/), plain or gzipped: a big-endian magic
/// `00 00 type ndims`, `ndims` big-endian u32 extents, then the values,
/// row-major. Only unsigned bytes (type 0x08) are read.
///
/// ```cpp
/// using Data = train::Dataset<float, Shape<784>>;
/// Data d = train::load_idx<Data>(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz");
/// ```
/// Bad files throw `ctnn::error` naming the file and what was expected. No
/// allocation is sized from a header alone: a plain file's header is checked
/// against the file's size, and a gzip stream's output buffer grows with the
/// data that actually comes out (at most what the header declares, 4 GiB).

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <zlib.h>

#include "../core/error.hpp"
#include "dataset.hpp"
#include "../core/file.hpp"

namespace ctnn {
namespace train {

/// An IDX array: its extents, outermost first, and its values (row-major).
struct idx_array {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;
};

}  // namespace train

namespace train_detail {

/// The largest IDX payload read (4 GiB), whatever a header claims.
inline constexpr std::uint64_t idx_max_bytes = std::uint64_t{1} << 32;
/// Deflate's largest expansion (258 bytes from 2 bits: 1032 to 1).
inline constexpr std::uint64_t deflate_max_ratio = 1032;

inline std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", unsigned(v));
    return buf;
}
inline std::string hex8(std::uint8_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", unsigned(v));
    return buf;
}

inline const char* idx_type_name(std::uint8_t type) {
    switch (type) {
        case 0x08: return "unsigned byte";
        case 0x09: return "signed byte";
        case 0x0B: return "short";
        case 0x0C: return "int";
        case 0x0D: return "float";
        case 0x0E: return "double";
        default: return "unknown";
    }
}

/// The magic number a caller wants, and what it means ("IDX unsigned-byte images").
struct idx_expect {
    std::uint32_t magic;
    const char* what;
};

/// Bytes of an in-memory file.
class memory_source {
public:
    explicit memory_source(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    std::size_t read(std::uint8_t* out, std::size_t n) {
        const std::size_t k = std::min(n, bytes_.size() - pos_);
        if (k) std::memcpy(out, bytes_.data() + pos_, k);
        pos_ += k;
        return k;
    }
    /// The most bytes that can still come.
    std::uint64_t bound() const { return bytes_.size() - pos_; }
    std::string bound_text() const { return "the file has " + std::to_string(bound()) + " after the header"; }
    static constexpr const char* kind = "the file";
    static constexpr bool exact_bound = true;

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

/// The decompressed bytes of an in-memory gzip file (one or more members),
/// inflated on demand into the caller's buffer.
class gzip_source {
public:
    gzip_source(std::span<const std::uint8_t> bytes, const std::string& name) : bytes_(bytes), name_(name) {
        if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) throw error(name_ + ": cannot start zlib's inflate");
        feed();
    }
    gzip_source(const gzip_source&) = delete;
    gzip_source& operator=(const gzip_source&) = delete;
    ~gzip_source() { inflateEnd(&zs_); }

    /// Fills `out[0..n)` unless the data ends first; returns the bytes written.
    std::size_t read(std::uint8_t* out, std::size_t n) {
        std::size_t got = 0;
        while (got < n) {
            if (member_done_) {
                if (left() == 0) break;
                if (left() < 2 || next_in()[0] != 0x1F || next_in()[1] != 0x8B)
                    throw error(name_ + ": trailing garbage after the gzip stream (" + std::to_string(left()) +
                                " bytes that do not start another gzip member)");
                inflateReset(&zs_);  // another gzip member follows (concatenated .gz files)
                member_done_ = false;
            }
            feed();
            zs_.next_out = out + got;
            zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(n - got, UINT_MAX));
            const uInt before = zs_.avail_out;
            const int r = inflate(&zs_, Z_NO_FLUSH);
            got += before - zs_.avail_out;
            if (r == Z_STREAM_END) {
                member_done_ = true;
            } else if (r == Z_BUF_ERROR && left() == 0) {
                throw error(name_ + ": corrupted gzip stream (truncated: the compressed data ends mid-stream)");
            } else if (r != Z_OK && r != Z_BUF_ERROR) {
                const std::string why = zs_.msg ? zs_.msg : "error " + std::to_string(r);
                throw error(name_ + ": corrupted gzip stream (zlib: " + why + ")");
            }
        }
        return got;
    }
    /// The most bytes that can still come out of the compressed bytes left
    /// (+ 64 KiB for what inflate may hold already decoded).
    std::uint64_t bound() const { return std::uint64_t(left()) * deflate_max_ratio + 65536; }
    std::string bound_text() const {
        return "the " + std::to_string(left()) + " compressed bytes left can hold at most " + std::to_string(bound());
    }
    static constexpr const char* kind = "the decompressed file";
    static constexpr bool exact_bound = false;

private:
    std::size_t left() const { return std::size_t(zs_.avail_in) + (bytes_.size() - fed_); }
    const std::uint8_t* next_in() const { return zs_.next_in; }
    void feed() {
        if (zs_.avail_in == 0 && fed_ < bytes_.size()) {
            // zlib's next_in is not const in older headers; it never writes through it.
            zs_.next_in = const_cast<Bytef*>(bytes_.data() + fed_);
            zs_.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes_.size() - fed_, UINT_MAX));
            fed_ += zs_.avail_in;
        }
    }

    std::span<const std::uint8_t> bytes_;
    const std::string& name_;
    z_stream zs_{};
    std::size_t fed_ = 0;
    bool member_done_ = false;
};

/// Reads one IDX array from `src` (plain or gzip), checking everything.
template <class Source>
train::idx_array parse_idx(Source& src, const std::string& name, std::optional<idx_expect> expect) {
    std::uint8_t head[4];
    const std::size_t got = src.read(head, 4);
    if (got == 0) throw error(name + ": empty file, expected an IDX file");
    if (got < 4)
        throw error(name + ": truncated header: " + src.kind + " has " + std::to_string(got) +
                    " bytes, an IDX magic number needs 4");
    const std::uint32_t magic = std::uint32_t(head[0]) << 24 | std::uint32_t(head[1]) << 16 |
                                std::uint32_t(head[2]) << 8 | std::uint32_t(head[3]);
    if (expect && magic != expect->magic)
        throw error(name + ": wrong magic number " + hex32(magic) + ", expected " + hex32(expect->magic) + " (" +
                    expect->what + ")");
    if (head[0] != 0 || head[1] != 0)
        throw error(name + ": wrong magic number " + hex32(magic) +
                    ", expected 0x000008NN (IDX: two zero bytes, type 0x08, NN dimensions)");
    if (head[2] != 0x08)
        throw error(name + ": IDX element type " + hex8(head[2]) + " (" + idx_type_name(head[2]) +
                    ") is not supported, expected 0x08 (unsigned byte)");
    const std::size_t ndims = head[3];
    if (ndims == 0) throw error(name + ": IDX header declares 0 dimensions, expected at least 1");

    std::uint8_t raw[4 * 255];
    const std::size_t want = 4 * ndims;
    const std::size_t got_dims = src.read(raw, want);
    if (got_dims < want)
        throw error(name + ": truncated header: " + std::to_string(ndims) + " dimensions need " +
                    std::to_string(4 + want) + " bytes, " + src.kind + " has " + std::to_string(4 + got_dims));

    train::idx_array a;
    a.dims.resize(ndims);
    std::uint64_t payload = 1;
    std::string shape;
    for (std::size_t d = 0; d < ndims; ++d) {
        const std::uint8_t* p = raw + 4 * d;
        a.dims[d] = std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
        if (d) shape += 'x';
        shape += std::to_string(a.dims[d]);
        // Saturate instead of overflowing: anything past the limit is refused below.
        payload = (a.dims[d] != 0 && payload > idx_max_bytes / a.dims[d]) ? idx_max_bytes + 1 : payload * a.dims[d];
    }
    if (payload > idx_max_bytes)
        throw error(name + ": IDX header declares " + shape + " values, more than the " +
                    std::to_string(idx_max_bytes) + " ctnn reads");
    if (payload > src.bound())
        throw error(name + ": truncated data: the header declares " + shape + " = " + std::to_string(payload) +
                    " bytes, " + src.bound_text());

    std::size_t got_data = 0;
    if constexpr (Source::exact_bound) {
        a.data.resize(static_cast<std::size_t>(payload));  // checked against the file's size above
        got_data = src.read(a.data.data(), a.data.size());
    } else {
        // Grows with the data that actually arrives (doubling from 1 MiB), so a
        // small stream whose header lies costs no more than what it inflates to.
        while (got_data < payload) {
            const std::uint64_t want = std::max<std::size_t>(got_data, std::size_t{1} << 20);
            const auto step = static_cast<std::size_t>(std::min(payload - got_data, want));
            a.data.resize(got_data + step);
            const std::size_t k = src.read(a.data.data() + got_data, step);
            got_data += k;
            if (k < step) break;
        }
    }
    if (got_data < payload)
        throw error(name + ": truncated data: the header declares " + shape + " = " + std::to_string(payload) +
                    " bytes, " + src.kind + " has " + std::to_string(got_data));
    std::uint8_t extra[256];
    std::size_t trailing = 0;
    for (std::size_t k; (k = src.read(extra, sizeof extra)) > 0;) trailing += k;
    if (trailing)
        throw error(name + ": " + std::to_string(trailing) + " bytes of trailing data after the " + shape + " = " +
                    std::to_string(payload) + " bytes the header declares");
    return a;
}

inline train::idx_array parse_idx(std::span<const std::uint8_t> bytes, const std::string& name,
                                  std::optional<idx_expect> expect) {
    if (bytes.size() >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B) {
        gzip_source src(bytes, name);
        return parse_idx(src, name, expect);
    }
    memory_source src(bytes);
    return parse_idx(src, name, expect);
}

}  // namespace train_detail

namespace train {

/// Parses an IDX file already in memory, plain or gzipped (detected by its
/// magic 1F 8B); `name` names it in error messages. Only unsigned-byte
/// arrays (type 0x08). Throws `ctnn::error` on anything malformed: wrong
/// magic, truncated header or data, trailing bytes, a corrupted gzip stream.
/// Allocates the array once (plain) or grows it as the data inflates (gzip).
inline idx_array parse_idx(std::span<const std::uint8_t> bytes, const std::string& name) {
    return train_detail::parse_idx(bytes, name, std::nullopt);
}

/// Reads and parses the IDX file at `path` (see `parse_idx`); also throws
/// `ctnn::error` when the file is missing, a directory or unreadable.
inline idx_array read_idx(const std::string& path) { return parse_idx(ctnn::detail::read_file(path), path); }

/// Loads an IDX images file (`[n, rows, cols]`, magic 0x00000803) and its IDX
/// labels file (`[n]`, magic 0x00000801) into a classification dataset; each
/// value is `byte * scale`. Throws `ctnn::error` for a malformed file, counts
/// that differ, images whose size is not `Ds::sample_size`, or a label not
/// below `classes` (0: no upper bound). Holds both files in memory while loading.
template <class Ds>
Ds load_idx(const std::string& images, const std::string& labels, std::size_t classes = 10,
            typename Ds::value_type scale = typename Ds::value_type(1 / 255.)) {
    static_assert(Ds::classification,
                  "ctnn: load_idx loads class labels: it needs a Dataset with Target = std::int32_t");
    using T = typename Ds::value_type;

    const idx_array im = train_detail::parse_idx(ctnn::detail::read_file(images), images,
                                                 train_detail::idx_expect{0x00000803, "IDX unsigned-byte images"});
    const idx_array lb = train_detail::parse_idx(ctnn::detail::read_file(labels), labels,
                                                 train_detail::idx_expect{0x00000801, "IDX unsigned-byte labels"});
    const std::size_t n = im.dims[0];
    if (lb.dims[0] != n)
        throw error(images + " has " + std::to_string(n) + " images but " + labels + " has " +
                    std::to_string(lb.dims[0]) + " labels, expected the same count");
    const std::size_t pixels = std::size_t(im.dims[1]) * im.dims[2];
    if (pixels != Ds::sample_size)
        throw error(images + ": images are " + std::to_string(im.dims[1]) + "x" + std::to_string(im.dims[2]) + " = " +
                    std::to_string(pixels) + " values, the dataset's samples (Shape " + Ds::sample_shape::str() +
                    ") hold " + std::to_string(Ds::sample_size));
    for (std::size_t i = 0; i < n; ++i)
        if (classes != 0 && lb.data[i] >= classes)
            throw error(labels + ": label " + std::to_string(lb.data[i]) + " at index " + std::to_string(i) +
                        " is out of range, expected 0 to " + std::to_string(classes - 1) + " (" +
                        std::to_string(classes) + " classes)");

    Ds ds(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t* src = im.data.data() + i * pixels;
        T* dst = ds.input(i);
        for (std::size_t j = 0; j < pixels; ++j) dst[j] = T(src[j]) * scale;
        ds.label(i) = lb.data[i];
    }
    return ds;
}

}  // namespace train
}  // namespace ctnn
