// io::load_npy, save_npy, parse_npy: files written by NumPy (tests/fixtures/npy),
// round trips, and malformed files.
#include <catch2/catch.hpp>
#include <ctnn/io/file.hpp>
#include <ctnn/io/npy.hpp>

#include <ctnn/core/tensor.hpp>

#include <cmath>
#include <string>

#include "../support.hpp"

using namespace ctnn;
using namespace ctnn_test;
using Catch::Contains;

namespace {
std::string npy(const std::string& name) { return fixtures_dir() + "/npy/" + name; }

/// A version 1.0 file with header text `h` (padded like NumPy) and `data` bytes.
Bytes npy_file(std::string h, std::size_t data, std::uint8_t major = 1) {
    h.append(63 - (10 + h.size()) % 64, ' ');
    h += '\n';
    Bytes b(10 + h.size() + data);
    const std::uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0, std::uint8_t(h.size()), std::uint8_t(h.size() >> 8)};
    std::copy(pre, pre + 10, b.begin());
    std::copy(h.begin(), h.end(), b.begin() + 10);
    return b;
}

const float a23[6] = {-0.5f, -0.25f, 0.f, 0.25f, 0.5f, 0.75f};
}  // namespace

TEST_CASE("npy files written by NumPy load", "[io][npy]") {
    for (const char* f : {"f4_2x3.npy", "v2_f4_2x3.npy", "fortran_2x3.npy"}) {
        INFO(f);
        const auto t = io::load_npy<Tensor<float, 2, 3>>(npy(f));
        for (std::size_t i = 0; i < 6; ++i) CHECK(t[i] == a23[i]);
        const auto d = io::load_npy<Tensor<double, 2, 3>>(npy(f));
        for (std::size_t i = 0; i < 6; ++i) CHECK(d[i] == double(a23[i]));
    }
    const auto d = io::load_npy<Tensor<double, 4>>(npy("f8_4.npy"));
    CHECK(d[0] == 1.0 / 3);
    CHECK(d[1] == -2.5);
    CHECK(d[2] == 1e-300);
    const auto h = io::load_npy<Tensor<float, 2, 2>>(npy("f2_2x2.npy"));
    CHECK(h(0, 0) == io::detail::f16_to_float(0x2E66));  // 0.1 in half precision
    CHECK(h(0, 1) == -2.0f);
    CHECK(h(1, 0) == 65504.0f);
    CHECK(h(1, 1) == std::ldexp(1.0f, -24));  // 6e-8 is the smallest subnormal
}

TEST_CASE("npy round trip, and NumPy's layout", "[io][npy]") {
    TempDir dir;
    Tensor<float, 3, 4> t;
    for (std::size_t i = 0; i < t.size; ++i) t[i] = std::sin(float(i)) * 1e3f;
    io::save_npy(t, dir.file("t.npy"));
    const Bytes b = io::read_file(dir.file("t.npy"));
    const io::npy_array a = io::parse_npy(b, "t.npy");
    CHECK(a.type == io::dtype::f32);
    CHECK(a.shape == std::vector<std::size_t>{3, 4});
    const std::size_t start = b.size() - a.data.size();
    CHECK(start == 128);  // 10 + 60 header characters, padded to a 64-byte boundary as NumPy does
    const std::string header(b.begin() + 10, b.begin() + std::ptrdiff_t(start));
    CHECK(header.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"));
    CHECK(header.back() == '\n');
    const auto u = io::load_npy<Tensor<float, 3, 4>>(dir.file("t.npy"));
    CHECK(std::memcmp(u.data(), t.data(), sizeof(float) * t.size) == 0);
    // into a tensor: the object first, the path last; the older order still compiles, deprecated
    Tensor<float, 3, 4> into, old_order;
    io::load_npy(into, dir.file("t.npy"));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    io::load_npy(dir.file("t.npy"), old_order);
#pragma GCC diagnostic pop
    CHECK(std::memcmp(into.data(), t.data(), sizeof(float) * t.size) == 0);
    CHECK(std::memcmp(old_order.data(), t.data(), sizeof(float) * t.size) == 0);

    Tensor<double, 5> v{1e-310, -0.0, 1.0 / 7, 1e300, -3};
    io::save_npy(v, dir.file("v.npy"));
    const Bytes bv = io::read_file(dir.file("v.npy"));
    CHECK(std::string(bv.begin() + 10, bv.begin() + 70).starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }"));
    const auto w = io::load_npy<Tensor<double, 5>>(dir.file("v.npy"));
    CHECK(std::memcmp(w.data(), v.data(), sizeof(double) * v.size) == 0);  // not sizeof v: padding
}

TEST_CASE("npy errors leave the tensor untouched", "[io][npy]") {
    TempDir dir;
    auto fails = [&](const std::string& path, auto matcher) {
        Tensor<float, 2, 3> t = Tensor<float, 2, 3>::filled(9);
        REQUIRE_THROWS_WITH(io::load_npy(t, path), matcher);
        for (float x : t) REQUIRE(x == 9);
    };
    fails(npy("big_endian_2x3.npy"), Contains("dtype '>f4' is big-endian, ctnn reads little-endian"));
    fails(npy("int32_2x3.npy"), Contains("dtype '<i4' is not supported, ctnn reads '<f2', '<f4' and '<f8'"));
    fails(npy("f8_4.npy"), Contains("f8_4.npy: array has shape (4,), expected (2, 3)"));
    fails(dir.file("missing.npy"), Contains("missing.npy: no such file"));
    fails(dir.path.string(), Contains("is a directory"));
    fails(dir.write("empty.npy", Bytes{}), Contains("empty.npy: empty file, expected a .npy file"));
    fails(dir.write("text.npy", std::string("hello, world")), Contains("not a .npy file"));
    fails(dir.write("short.npy", Bytes{0x93, 'N', 'U', 'M', 'P', 'Y', 1}), Contains("truncated .npy header"));
    const std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    Bytes v4 = npy_file(ok, 24, 4);
    fails(dir.write("v4.npy", v4), Contains(".npy version 4.0 is not supported"));
    Bytes longh = npy_file(ok, 24);
    longh[9] = 0x7F;
    fails(dir.write("longh.npy", longh), Contains("longh.npy: .npy header length 32630 is larger than the 142 bytes that follow it"));
    fails(dir.write("trunc.npy", npy_file(ok, 20)), Contains("truncated data: the shape needs 24 bytes, the file has 20"));
    fails(dir.write("trail.npy", npy_file(ok, 28)), Contains("4 bytes of trailing data"));
    fails(dir.write("nokey.npy", npy_file("{'descr': '<f4', 'shape': (2, 3), }", 24)), Contains("header lacks 'fortran_order'"));
    fails(dir.write("unk.npy", npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", 24)),
          Contains("bad .npy header at character") && Contains("unknown key 'x'"));
    fails(dir.write("bool.npy", npy_file("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3), }", 24)),
          Contains("expected True or False"));
    fails(dir.write("neg.npy", npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", 24)),
          Contains("expected a non-negative integer"));
    fails(dir.write("open.npy", npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3", 24)),
          Contains("expected ','"));
    fails(dir.write("huge.npy", npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 24)),
          Contains("shape has more bytes than fit in memory"));
    fails(dir.write("after.npy", npy_file(ok + " 7", 24)), Contains("text after the dict"));
    // A scalar and an empty array parse (a tensor never has that shape).
    CHECK(io::parse_npy(npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 8), "s").size() == 1);
    CHECK(io::parse_npy(npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 5), }", 0), "e").size() == 0);
}
