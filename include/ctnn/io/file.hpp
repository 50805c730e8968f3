#pragma once
/// \file file.hpp
/// `io::read_file`: a whole file in memory, or a `ctnn::error` naming the
/// path (missing, a directory, unreadable, empty, changed size while being
/// read); `io::write_file_atomic`: a file replaced in one step. Both wrap
/// core/file.hpp, which the dataset readers share.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "../core/file.hpp"

namespace ctnn::io {

/// The bytes of the file at `path`; an empty file is an error. One
/// allocation of the file's size.
inline std::vector<std::uint8_t> read_file(const std::string& path) {
    std::vector<std::uint8_t> bytes = ctnn::detail::read_file(path);
    if (bytes.empty()) throw error(path + ": empty file");
    return bytes;
}

/// Writes the concatenation of `parts` to `path` through `<path>.tmp-<pid>`,
/// fsync, rename and a directory fsync: `path` holds the old or the new
/// content, never a part of one.
inline void write_file_atomic(std::span<const std::span<const std::uint8_t>> parts, const std::string& path) {
    ctnn::detail::write_file_atomic(path, parts);
}

/// The order before every save function took the object first.
[[deprecated("ctnn: write_file_atomic takes the bytes first: write_file_atomic(parts, path)")]]
inline void write_file_atomic(const std::string& path, std::span<const std::span<const std::uint8_t>> parts) {
    write_file_atomic(parts, path);
}

}  // namespace ctnn::io
