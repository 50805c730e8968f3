// io::read_file and write_file_atomic (core/file.hpp): the errors that name
// the path, a file that grows while it is read, and the atomic replace.
#include <catch2/catch.hpp>
#include <ctnn/io/file.hpp>

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>

#include "../support.hpp"

using namespace ctnn;
using namespace ctnn_test;
using Catch::Contains;

TEST_CASE("read_file errors name the path", "[io][file]") {
    TempDir dir;
    const std::string missing = dir.file("nope.bin");
    REQUIRE_THROWS_WITH(io::read_file(missing), "ctnn: " + missing + ": no such file");
    REQUIRE_THROWS_WITH(io::read_file(dir.path.string()), "ctnn: " + dir.path.string() + ": is a directory, expected a file");
    const std::string empty = dir.write("empty.bin", Bytes{});
    REQUIRE_THROWS_WITH(io::read_file(empty), "ctnn: " + empty + ": empty file");
    CHECK(ctnn::detail::read_file(empty).empty());  // the low-level reader leaves that to the format
    REQUIRE_THROWS_WITH(io::read_file("/proc/self/mem"), Contains("/proc/self/mem: read error (Input/output error)"));
    if (::geteuid() != 0) {  // root reads anything: permission bits cannot make a file unreadable
        const std::string locked = dir.write("locked.bin", std::string("x"));
        fs::permissions(locked, fs::perms::none);
        REQUIRE_THROWS_WITH(io::read_file(locked), Contains(locked + ": cannot open the file (Permission denied)"));
    }
    const std::string through_file = dir.write("plain", std::string("x")) + "/child";
    REQUIRE_THROWS_WITH(io::read_file(through_file), Contains(through_file + ": cannot open the file (Not a directory)"));
    const Bytes b{1, 2, 3, 0, 255};
    CHECK(io::read_file(dir.write("b.bin", b)) == b);
}

TEST_CASE("read_file reads files whose size the system reports as 0 to their end", "[io][file]") {
    // /proc's files say 0 bytes and have content
    const Bytes status = io::read_file("/proc/self/status");
    const std::string text(status.begin(), status.end());
    CHECK(text.rfind("Name:", 0) == 0);
    CHECK(text.find("\nPid:") != std::string::npos);
}

TEST_CASE("read_file notices a file that grows while it is read", "[io][file]") {
    TempDir dir;
    const std::string p = dir.write("growing.bin", Bytes(std::size_t{1} << 20, 7));
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        std::ofstream out(p, std::ios::binary | std::ios::app);
        while (!stop) out.put('x').flush();
    });
    bool caught = false;
    for (int i = 0; i < 2000 && !caught; ++i) {
        try {
            (void)io::read_file(p);
        } catch (const error& e) {
            caught = std::string(e.what()).find(p + ": the file changed size while being read") != std::string::npos;
        }
    }
    stop = true;
    writer.join();
    CHECK(caught);
}

TEST_CASE("write_file_atomic replaces the whole file", "[io][file]") {
    TempDir dir;
    const std::string p = dir.write("f.bin", std::string("old content"));
    const Bytes a{1, 2}, b{3};
    const std::span<const std::uint8_t> parts[2] = {a, b};
    io::write_file_atomic(parts, p);
    CHECK(io::read_file(p) == Bytes{1, 2, 3});
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);  // no temporary left
    REQUIRE_THROWS_WITH(io::write_file_atomic(parts, dir.path.string()), Contains(dir.path.string() + ": cannot rename"));
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);
    // the older path-first order still compiles, deprecated
    const std::span<const std::uint8_t> one[1] = {b};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    io::write_file_atomic(p, one);
#pragma GCC diagnostic pop
    CHECK(io::read_file(p) == Bytes{3});
}
