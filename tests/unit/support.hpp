#pragma once
// Shared by the unit tests that touch files: a temporary directory and the
// fixtures' location.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace ctnn_test {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

/// A fresh directory under the system's temp directory, removed afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("ctnn_test_" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
    std::string write(const std::string& name, const Bytes& b) const {
        const std::string p = file(name);
        std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
        return p;
    }
    std::string write(const std::string& name, const std::string& s) const { return write(name, Bytes(s.begin(), s.end())); }
};

/// tests/fixtures, found from this file's path (no build-system variable needed).
inline std::string fixtures_dir() { return (fs::path(__FILE__).parent_path() / ".." / "fixtures").string(); }

}  // namespace ctnn_test
