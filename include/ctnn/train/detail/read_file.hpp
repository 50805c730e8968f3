#pragma once
/// \file read_file.hpp
/// Reads a whole file into memory, with `ctnn::error`s that name it (shared
/// by the IDX and CSV readers).

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "../../core/error.hpp"

namespace ctnn::train_detail {

/// The bytes of the file at `path`. Throws `ctnn::error` when it is missing,
/// a directory, or unreadable. One allocation of the file's size (grown in
/// chunks for files whose size the system does not report).
inline std::vector<std::uint8_t> read_file(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) throw error(path + ": no such file");
    if (ec) throw error(path + ": cannot read the file (" + ec.message() + ")");
    if (st.type() == fs::file_type::directory) throw error(path + ": is a directory, expected a file");

    std::ifstream in(path, std::ios::binary);
    if (!in) throw error(path + ": cannot open the file (" + std::strerror(errno) + ")");

    constexpr std::size_t chunk = std::size_t{1} << 16;
    std::vector<std::uint8_t> bytes;
    if (st.type() == fs::file_type::regular) {
        const auto size = fs::file_size(path, ec);
        if (!ec) bytes.reserve(static_cast<std::size_t>(size) + chunk);  // + chunk: the last read never regrows
    }
    for (;;) {
        const std::size_t old = bytes.size();
        bytes.resize(old + chunk);
        in.read(reinterpret_cast<char*>(bytes.data() + old), std::streamsize(chunk));
        bytes.resize(old + static_cast<std::size_t>(in.gcount()));
        if (!in) break;
    }
    if (in.bad()) throw error(path + ": read error");
    return bytes;
}

}  // namespace ctnn::train_detail
