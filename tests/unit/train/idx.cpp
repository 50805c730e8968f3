// train::parse_idx, read_idx, load_idx: IDX files, plain and gzipped, and
// every way one can be wrong.
#include <catch2/catch.hpp>
#include <ctnn/train/idx.hpp>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../support.hpp"

using namespace ctnn;
namespace fs = std::filesystem;
using Catch::Contains;
using ctnn_test::Bytes;
using ctnn_test::TempDir;

namespace {


void put_u32(Bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(std::uint8_t(v >> s));
}

/// An IDX file of unsigned bytes: magic 00 00 08 ndims, the extents, the values.
Bytes idx(const std::vector<std::uint32_t>& dims, const Bytes& values) {
    Bytes b{0, 0, 0x08, std::uint8_t(dims.size())};
    for (auto d : dims) put_u32(b, d);
    b.insert(b.end(), values.begin(), values.end());
    return b;
}

/// `b` as one gzip member (zlib's deflate with a gzip wrapper).
Bytes gzip(const Bytes& b) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    Bytes out(deflateBound(&zs, uLong(b.size())) + 64);
    zs.next_in = const_cast<Bytef*>(b.data());
    zs.avail_in = uInt(b.size());
    zs.next_out = out.data();
    zs.avail_out = uInt(out.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

Bytes iota_bytes(std::size_t n, unsigned step = 1) {
    Bytes v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = std::uint8_t(i * step);
    return v;
}

using Img = train::Dataset<float, Shape<2, 3>>;  // 2x3 images

// 4 images of 2x3 and their labels.
const Bytes images_plain = idx({4, 2, 3}, iota_bytes(24, 10));
const Bytes labels_plain = idx({4}, {3, 0, 9, 1});

}  // namespace

TEST_CASE("IDX plain files read back", "[train][idx]") {
    TempDir dir;
    const auto a = train::read_idx(dir.write("images-idx3-ubyte", images_plain));
    CHECK(a.dims == std::vector<std::uint32_t>{4, 2, 3});
    CHECK(a.data == iota_bytes(24, 10));

    const auto d = train::load_idx<Img>(dir.write("im", images_plain), dir.write("lb", labels_plain));
    REQUIRE(d.size() == 4);
    CHECK(d.input(0)[1] == Approx(10 / 255.0f));
    CHECK(d.input(3)[5] == Approx(230 / 255.0f));
    CHECK(d.label(0) == 3);
    CHECK(d.label(2) == 9);
    CHECK(d.label(3) == 1);

    // Custom scale, double values, a flat sample shape.
    using Flat = train::Dataset<double, Shape<6>>;
    const auto f = train::load_idx<Flat>(dir.write("im", images_plain), dir.write("lb", labels_plain), 10, 1.0);
    CHECK(f.input(2)[4] == 160.0);
}

TEST_CASE("IDX gzipped files read back, one member or several", "[train][idx]") {
    TempDir dir;
    const auto gz = gzip(images_plain);
    REQUIRE(gz[0] == 0x1F);
    const auto a = train::parse_idx(gz, "images.gz");
    CHECK(a.dims == std::vector<std::uint32_t>{4, 2, 3});
    CHECK(a.data == iota_bytes(24, 10));

    const auto d = train::load_idx<Img>(dir.write("im.gz", gz), dir.write("lb.gz", gzip(labels_plain)));
    REQUIRE(d.size() == 4);
    CHECK(d.input(1)[0] == Approx(60 / 255.0f));
    CHECK(d.label(2) == 9);

    // `cat a.gz b.gz` is a valid gzip file of both contents.
    Bytes two = gzip(Bytes(images_plain.begin(), images_plain.begin() + 13));
    const Bytes rest = gzip(Bytes(images_plain.begin() + 13, images_plain.end()));
    two.insert(two.end(), rest.begin(), rest.end());
    CHECK(train::parse_idx(two, "two-members.gz").data == iota_bytes(24, 10));

    // A bigger array, so inflate works through many calls' worth of output.
    const Bytes big = idx({100, 28, 28}, iota_bytes(78400, 7));
    CHECK(train::read_idx(dir.write("big.gz", gzip(big))).data == iota_bytes(78400, 7));
}

TEST_CASE("IDX errors: wrong magic number", "[train][idx]") {
    TempDir dir;
    const auto lb = dir.write("train-labels-idx1-ubyte", labels_plain);
    const auto zeros = dir.write("train-images-idx3-ubyte.gz", gzip(Bytes(40, 0)));
    REQUIRE_THROWS_WITH(train::load_idx<Img>(zeros, lb),
                        "ctnn: " + zeros +
                            ": wrong magic number 0x00000000, expected 0x00000803 (IDX unsigned-byte images)");
    // Labels given as images, and the other way round.
    const auto im = dir.write("images", images_plain);
    REQUIRE_THROWS_WITH(train::load_idx<Img>(lb, im),
                        Contains(lb) && Contains("wrong magic number 0x00000801, expected 0x00000803"));
    REQUIRE_THROWS_WITH(train::load_idx<Img>(im, im),
                        Contains(im) && Contains("wrong magic number 0x00000803, expected 0x00000801 "
                                                 "(IDX unsigned-byte labels)"));
    // Not IDX at all, without an expected magic.
    REQUIRE_THROWS_WITH(train::parse_idx(Bytes{'P', 'K', 3, 4, 0, 0}, "archive.zip"),
                        Contains("archive.zip: wrong magic number 0x504B0304, expected 0x000008NN"));
    REQUIRE_THROWS_WITH(train::parse_idx(Bytes{0, 0, 0x0D, 1, 0, 0, 0, 0}, "floats.idx"),
                        Contains("floats.idx: IDX element type 0x0D (float) is not supported, expected 0x08"));
    REQUIRE_THROWS_WITH(train::parse_idx(Bytes{0, 0, 0x08, 0}, "nodims.idx"),
                        Contains("nodims.idx: IDX header declares 0 dimensions"));
}

TEST_CASE("IDX errors: empty file, truncated header, truncated data, trailing data", "[train][idx]") {
    TempDir dir;
    const auto empty = dir.write("empty-idx3-ubyte", Bytes{});
    REQUIRE_THROWS_WITH(train::read_idx(empty), Contains(empty) && Contains("empty file, expected an IDX file"));

    REQUIRE_THROWS_WITH(train::parse_idx(Bytes{0, 0, 8}, "short.idx"),
                        Contains("short.idx: truncated header") &&
                            Contains("has 3 bytes, an IDX magic number needs 4"));
    const Bytes head(images_plain.begin(), images_plain.begin() + 10);
    REQUIRE_THROWS_WITH(train::parse_idx(head, "head.idx"),
                        Contains("head.idx: truncated header: 3 dimensions need 16 bytes") && Contains("has 10"));
    REQUIRE_THROWS_WITH(train::parse_idx(gzip(head), "head.idx.gz"),
                        Contains("head.idx.gz: truncated header: 3 dimensions need 16 bytes"));

    const Bytes cut(images_plain.begin(), images_plain.end() - 3);
    REQUIRE_THROWS_WITH(train::parse_idx(cut, "cut.idx"),
                        Contains("cut.idx: truncated data: the header declares 4x2x3 = 24 bytes, the file has 21"));
    REQUIRE_THROWS_WITH(train::parse_idx(gzip(cut), "cut.idx.gz"),
                        Contains("cut.idx.gz: truncated data: the header declares 4x2x3 = 24 bytes") &&
                            Contains("has 21"));

    Bytes longer = images_plain;
    longer.push_back(0);
    longer.push_back(1);
    REQUIRE_THROWS_WITH(train::parse_idx(longer, "long.idx"),
                        Contains("long.idx: 2 bytes of trailing data after the 4x2x3 = 24 bytes the header declares"));
    REQUIRE_THROWS_WITH(train::parse_idx(gzip(longer), "long.idx.gz"),
                        Contains("long.idx.gz: 2 bytes of trailing data"));
    Bytes gz_garbage = gzip(images_plain);
    gz_garbage.push_back('x');
    REQUIRE_THROWS_WITH(train::parse_idx(gz_garbage, "junk.gz"),
                        Contains("junk.gz: trailing garbage after the gzip stream (1 bytes"));
}

TEST_CASE("IDX errors: sizes a header claims but the file cannot hold", "[train][idx]") {
    // 65535 x 65535 bytes (4 GiB) declared in a 16-byte file: refused before allocating.
    const Bytes huge = idx({65535, 65535}, {1, 2, 3});
    REQUIRE_THROWS_WITH(train::parse_idx(huge, "huge.idx"),
                        Contains("huge.idx: truncated data: the header declares 65535x65535 = 4294836225 bytes, "
                                 "the file has 3 after the header"));
    REQUIRE_THROWS_WITH(train::parse_idx(gzip(huge), "huge.idx.gz"),
                        Contains("huge.idx.gz: truncated data: the header declares 65535x65535") &&
                            Contains("compressed bytes left can hold at most"));
    // A stream that passes that bound but ends early: the buffer grows step by step, then the count is reported.
    Bytes noise(1536 * 1024);
    std::mt19937 gen(5);
    for (auto& b : noise) b = std::uint8_t(gen());
    REQUIRE_THROWS_WITH(train::parse_idx(gzip(idx({4096, 1024}, noise)), "short.idx.gz"),
                        Contains("short.idx.gz: truncated data: the header declares 4096x1024 = 4194304 bytes, "
                                 "the decompressed file has 1572864"));
    noise.resize(4096 * 1024);
    CHECK(train::parse_idx(gzip(idx({4096, 1024}, noise)), "full.idx.gz").data == noise);
    const Bytes absurd = idx({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {});
    REQUIRE_THROWS_WITH(train::parse_idx(absurd, "absurd.idx"),
                        Contains("absurd.idx: IDX header declares 4294967295x4294967295x4294967295 values, more than"));
    // Zero extents are a valid empty array.
    CHECK(train::parse_idx(idx({0, 28, 28}, {}), "none.idx").data.empty());
}

TEST_CASE("IDX errors: corrupted and truncated gzip streams", "[train][idx]") {
    const Bytes big = idx({100, 28, 28}, iota_bytes(78400, 7));
    Bytes bad = gzip(big);
    REQUIRE(bad.size() > 40);
    for (std::size_t i = 20; i < 30; ++i) bad[i] ^= 0xA5;
    REQUIRE_THROWS_WITH(train::parse_idx(bad, "bad.gz"), Contains("bad.gz: corrupted gzip stream"));

    Bytes crc = gzip(images_plain);
    crc[crc.size() - 6] ^= 0xFF;  // the CRC-32 of the trailer
    REQUIRE_THROWS_WITH(train::parse_idx(crc, "crc.gz"),
                        Contains("crc.gz: corrupted gzip stream (zlib: incorrect data check)"));

    Bytes cut = gzip(big);
    cut.resize(cut.size() / 2);
    REQUIRE_THROWS_WITH(train::parse_idx(cut, "cut.gz"), Contains("cut.gz: corrupted gzip stream (truncated"));
    REQUIRE_THROWS_WITH(train::parse_idx(Bytes{0x1F, 0x8B}, "magic-only.gz"),
                        Contains("magic-only.gz: corrupted gzip stream"));
}

TEST_CASE("IDX errors: count mismatch, image size, label range", "[train][idx]") {
    TempDir dir;
    const auto im = dir.write("im-idx3-ubyte", images_plain);
    const auto lb3 = dir.write("lb3-idx1-ubyte", idx({3}, {1, 2, 3}));
    REQUIRE_THROWS_WITH(train::load_idx<Img>(im, lb3),
                        Contains(im + " has 4 images but " + lb3 + " has 3 labels, expected the same count"));

    using Big = train::Dataset<float, Shape<10, 10>>;
    const auto lb = dir.write("lb-idx1-ubyte", labels_plain);
    REQUIRE_THROWS_WITH(train::load_idx<Big>(im, lb),
                        Contains(im + ": images are 2x3 = 6 values, the dataset's samples (Shape [10, 10]) hold 100"));

    const auto lb_bad = dir.write("bad-labels-idx1-ubyte", idx({4}, {0, 1, 10, 2}));
    REQUIRE_THROWS_WITH(train::load_idx<Img>(im, lb_bad),
                        Contains(lb_bad + ": label 10 at index 2 is out of range, expected 0 to 9 (10 classes)"));
    REQUIRE_THROWS_WITH(train::load_idx<Img>(im, lb, 3),
                        Contains(lb + ": label 3 at index 0 is out of range, expected 0 to 2 (3 classes)"));
    CHECK(train::load_idx<Img>(im, lb_bad, 0).label(2) == 10);  // classes 0: no bound
}

TEST_CASE("IDX errors: missing file and directory", "[train][idx]") {
    TempDir dir;
    const auto missing = (dir.path / "no-such-idx3-ubyte.gz").string();
    REQUIRE_THROWS_WITH(train::read_idx(missing), "ctnn: " + missing + ": no such file");
    REQUIRE_THROWS_WITH(train::read_idx(dir.path.string()),
                        Contains(dir.path.string()) && Contains("is a directory, expected a file"));
    const auto lb = dir.write("lb", labels_plain);
    REQUIRE_THROWS_WITH(train::load_idx<Img>(missing, lb), Contains(missing) && Contains("no such file"));
}

TEST_CASE("Fashion-MNIST training set loads", "[train][idx][data]") {
    const fs::path dir = "/usr/share/datasets/fashion-mnist";
    if (!fs::exists(dir / "train-images-idx3-ubyte.gz") || !fs::exists(dir / "train-labels-idx1-ubyte.gz")) {
        WARN("skipped: " << dir.string() << " has no Fashion-MNIST (apt-get install dataset-fashion-mnist)");
        return;
    }
    using Mnist = train::Dataset<float, Shape<28, 28>>;
    const auto d = train::load_idx<Mnist>((dir / "train-images-idx3-ubyte.gz").string(),
                                          (dir / "train-labels-idx1-ubyte.gz").string());
    REQUIRE(d.size() == 60000);
    std::array<std::size_t, 10> per_class{};
    std::size_t out_of_range = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (d.label(i) < 0 || d.label(i) >= 10)
            ++out_of_range;
        else
            ++per_class[std::size_t(d.label(i))];
    }
    REQUIRE(out_of_range == 0);
    for (auto c : per_class) CHECK(c == 6000);  // Fashion-MNIST is balanced

    // Pixels in [0, 1]; images are dark-background with some white pixels.
    double sum = 0;
    float lo = 1, hi = 0;
    for (std::size_t i = 0; i < d.size(); ++i)
        for (std::size_t j = 0; j < Mnist::sample_size; ++j) {
            const float v = d.input(i)[j];
            sum += v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    CHECK(lo == 0.0f);
    CHECK(hi == 1.0f);
    CHECK(sum / (60000.0 * 784) == Approx(0.2860).margin(0.001));  // the well-known mean pixel (72.94 / 255)
    CHECK(d.label(0) == 9);                                         // the first image is an ankle boot
    CHECK(d.input(0)[0] == 0.0f);                                   // corners are background

    if (!fs::exists(dir / "t10k-images-idx3-ubyte.gz")) return;
    const auto t = train::load_idx<Mnist>((dir / "t10k-images-idx3-ubyte.gz").string(),
                                          (dir / "t10k-labels-idx1-ubyte.gz").string());
    CHECK(t.size() == 10000);
}
