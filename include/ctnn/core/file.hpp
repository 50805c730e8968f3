#pragma once
/// \file file.hpp
/// Whole files in and out, with `ctnn::error`s that name the path: the
/// low-level reader shared by the dataset readers (train/) and the model
/// formats (io/), and an atomic writer (a temporary file renamed over the
/// target, so a crash never leaves half a file under the real name).
/// `foreign_format_hint` tells the readers' errors what a file of another
/// format is (a PyTorch .pt above all) and what to do with it.
/// POSIX only (open/read/fsync/rename).

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.hpp"

namespace ctnn::detail {

/// Closes a file descriptor when it goes out of scope.
struct fd_guard {
    int fd = -1;
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    explicit fd_guard(int f) noexcept : fd(f) {}
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
    int release() noexcept {
        const int f = fd;
        fd = -1;
        return f;
    }
};

inline std::string errno_text(int e) { return std::strerror(e); }

/// What a file handed to the wrong reader is, with what to do, for the
/// readers' messages ("" when nothing is recognised): a PyTorch file (the zip
/// archive `torch.save` writes, or its older pickle format), a NumPy `.npy`,
/// a safetensors file. Looks at the first bytes only.
[[nodiscard]] inline std::string foreign_format_hint(std::span<const std::uint8_t> bytes) {
    auto starts = [&](std::initializer_list<std::uint8_t> m) {
        return bytes.size() >= m.size() && std::equal(m.begin(), m.end(), bytes.begin());
    };
    const std::string convert =
        ": convert it to safetensors with tools/save_safetensors.py (installed in share/ctnn/python): "
        "python3 save_safetensors.py model.pt model.safetensors";
    if (starts({'P', 'K', 0x03, 0x04})) return "it is a zip archive, as torch.save writes a PyTorch .pt file" + convert;
    if (bytes.size() >= 2 && bytes[0] == 0x80 && bytes[1] >= 2 && bytes[1] <= 5)
        return "it is a Python pickle, as torch.save writes a PyTorch .pt file in its legacy format" + convert;
    if (starts({0x93, 'N', 'U', 'M', 'P', 'Y'})) return "it is a NumPy .npy file: read it with io::load_npy";
    if (bytes.size() >= 9 && bytes[8] == '{') {
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[std::size_t(i)];
        if (n >= 2 && n <= bytes.size() - 8) return "it is a safetensors file: read it with io::load_safetensors";
    }
    return {};
}

/// The bytes of the file at `path` (empty for an empty file). Throws
/// `ctnn::error` naming `path` when it is missing, a directory, unreadable,
/// or changes size while being read. One allocation of the file's size
/// (grown in chunks for files whose size the system does not report).
inline std::vector<std::uint8_t> read_file(const std::string& path) {
    int fd;
    do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        const int e = errno;
        if (e == ENOENT) throw error(path + ": no such file");
        throw error(path + ": cannot open the file (" + errno_text(e) + ")");
    }
    fd_guard guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw error(path + ": cannot read the file (" + errno_text(errno) + ")");
    if (S_ISDIR(st.st_mode)) throw error(path + ": is a directory, expected a file");

    // a size to hold the file to: regular files that report one (/proc's
    // report 0 and are read until their end, like pipes)
    const bool regular = S_ISREG(st.st_mode) && st.st_size > 0;
    const auto expected = regular ? static_cast<std::size_t>(st.st_size) : std::size_t{0};
    constexpr std::size_t chunk = std::size_t{1} << 16;
    std::vector<std::uint8_t> bytes;
    bytes.reserve(expected + 1);  // + 1: reaching end of file needs no regrowth
    std::size_t got = 0;
    for (;;) {
        if (bytes.size() == got) bytes.resize(got + (got < expected ? expected - got : chunk));
        const ::ssize_t k = ::read(fd, bytes.data() + got, bytes.size() - got);
        if (k < 0) {
            if (errno == EINTR) continue;
            throw error(path + ": read error (" + errno_text(errno) + ")");
        }
        if (k == 0) break;
        got += static_cast<std::size_t>(k);
    }
    bytes.resize(got);
    if (regular) {
        struct stat after {};
        const bool same = ::fstat(fd, &after) == 0 && static_cast<std::size_t>(after.st_size) == got;
        if (got != expected || !same)
            throw error(path + ": the file changed size while being read (" + std::to_string(expected) +
                        " bytes when opened, " + std::to_string(got) + " read)");
    }
    return bytes;
}

/// Writes the concatenation of `parts` to `path` atomically: into
/// `<path>.tmp-<pid>`, flushed and fsync'ed, renamed over `path`, then the
/// directory fsync'ed. On failure the temporary file is removed and `path`
/// is as it was. Throws `ctnn::error` naming `path`.
inline void write_file_atomic(const std::string& path, std::span<const std::span<const std::uint8_t>> parts) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    int fd;
    do fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) throw error(path + ": cannot create " + tmp + " (" + errno_text(errno) + ")");
    fd_guard guard(fd);
    auto fail = [&](const std::string& what, int e) {
        ::close(guard.release());
        ::unlink(tmp.c_str());
        throw error(path + ": " + what + " (" + errno_text(e) + ")");
    };
    for (std::span<const std::uint8_t> part : parts) {
        std::size_t done = 0;
        while (done < part.size()) {
            const ::ssize_t k = ::write(fd, part.data() + done, part.size() - done);
            if (k < 0) {
                if (errno == EINTR) continue;
                fail("write error", errno);
            }
            done += static_cast<std::size_t>(k);
        }
    }
    if (::fsync(fd) != 0) fail("fsync failed", errno);
    if (::close(guard.release()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw error(path + ": close failed (" + errno_text(e) + ")");
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw error(path + ": cannot rename " + tmp + " over it (" + errno_text(e) + ")");
    }
    // The rename is durable once the directory entry is: fsync the directory.
    const std::size_t slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);  // best effort: some file systems refuse fsync on a directory
        ::close(dfd);
    }
}

}  // namespace ctnn::detail
