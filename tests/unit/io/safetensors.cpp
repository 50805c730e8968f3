// io::safetensors_view, load_safetensors, save_safetensors, write_safetensors:
// round trips (bitwise; f16/bf16 with their rounding) and every way a file
// can be wrong, each with its message and the network left untouched.
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../support.hpp"

using namespace ctnn;
using namespace ctnn_test;
using Catch::Contains;

namespace {

using Net = Sequential<Input<3>, Dense<4>, ReLU, Dense<2>>;   // 0.weight [4, 3], 0.bias [4], 2.weight [2, 4], 2.bias [2]
using NetD = BasicSequential<double, Input<3>, Dense<4>, ReLU, Dense<2>>;

template <class N>
N make_net(std::uint64_t seed) {
    N n;
    init::he_uniform(n, seed);
    // Non-zero biases, so a bias that failed to load shows.
    n.for_each_param([&](const std::string& name, const auto& info, auto* p) {
        if (name.ends_with("bias"))
            for (std::size_t i = 0; i < info.size(); ++i) p[i] = typename N::value_type(0.1 * double(i + seed));
    });
    return n;
}

template <class N>
bool same_bytes(const N& a, const N& b) {
    return std::memcmp(a.params(), b.params(), sizeof(typename N::value_type) * N::param_storage) == 0;
}

/// A safetensors file from a header text (padded to 8) and data bytes.
Bytes st_file(std::string header, const Bytes& data = {}) {
    Bytes b(8 + header.size() + data.size());
    io::detail::store_le<std::uint64_t>(b.data(), header.size());
    std::copy(header.begin(), header.end(), b.begin() + 8);
    std::copy(data.begin(), data.end(), b.begin() + 8 + std::ptrdiff_t(header.size()));
    return b;
}

/// Loading `path` throws an error matching `m`, and the network is unchanged.
template <class M>
void require_load_fails(const std::string& path, const M& m, const io::load_options& opt = {}) {
    Net net = make_net<Net>(7);
    const Net before = net;
    REQUIRE_THROWS_WITH(io::load_safetensors(net, path, opt), m);
    REQUIRE(same_bytes(net, before));
}

}  // namespace

TEST_CASE("safetensors round trip is bitwise for float and double networks", "[io][safetensors]") {
    TempDir dir;
    const Net a = make_net<Net>(1);
    const std::string p = dir.file("a.safetensors");
    io::save_safetensors(a, p, {{"epochs", "3"}, {"note", "ünïcödé"}});
    Net b;
    io::load_safetensors(b, p);
    CHECK(same_bytes(a, b));

    const NetD ad = make_net<NetD>(2);
    io::save_safetensors(ad, dir.file("d.safetensors"), {}, io::dtype::f64);
    NetD bd;
    io::load_safetensors(bd, dir.file("d.safetensors"));
    CHECK(same_bytes(ad, bd));

    // The view: tensors in offset order, names, shapes, metadata; no temporary file left.
    const Bytes bytes = io::read_file(p);
    const auto v = io::safetensors_view::parse(bytes, p);
    REQUIRE(v.tensors().size() == 4);
    CHECK(v.tensors()[0].name == "0.weight");
    CHECK(v.tensors()[0].shape == std::vector<std::size_t>{4, 3});
    CHECK(v.tensors()[3].name == "2.bias");
    CHECK(v.find("2.weight")->shape == std::vector<std::size_t>{2, 4});
    CHECK(v.find("nope") == nullptr);
    CHECK(v.metadata().at("epochs") == "3");
    CHECK(v.metadata().at("note") == "ünïcödé");
    CHECK((bytes.size() - 8 - (v.tensors()[3].end)) % 8 == 0);  // header padded to 8 bytes
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 2);

    // A double network saved as f32, and a float network read from f64, round once.
    auto rounded_once = [&](const Net& c) {
        std::map<std::string, const double*> d;
        ad.for_each_param([&](const std::string& name, const auto&, const double* p) { d[name] = p; });
        c.for_each_param([&](const std::string& name, const auto& info, const float* p) {
            for (std::size_t i = 0; i < info.size(); ++i) REQUIRE(p[i] == float(d.at(name)[i]));
        });
    };
    io::save_safetensors(ad, dir.file("d32.safetensors"));
    Net c;
    io::load_safetensors(c, dir.file("d32.safetensors"));
    rounded_once(c);
    Net c2;
    io::load_safetensors(c2, dir.file("d.safetensors"));
    rounded_once(c2);
}

TEST_CASE("safetensors f16 and bf16 round to nearest even", "[io][safetensors]") {
    using io::detail::bf16_to_float;
    using io::detail::f16_to_float;
    using io::detail::float_to_bf16;
    using io::detail::float_to_f16;
    CHECK(float_to_f16(1.0f) == 0x3C00);
    CHECK(float_to_f16(-2.0f) == 0xC000);
    CHECK(float_to_f16(0.1f) == 0x2E66);
    CHECK(float_to_f16(1.0f / 3) == 0x3555);
    CHECK(float_to_f16(65504.0f) == 0x7BFF);
    CHECK(float_to_f16(65519.0f) == 0x7BFF);
    CHECK(float_to_f16(65520.0f) == 0x7C00);  // rounds up to infinity
    CHECK(float_to_f16(std::ldexp(1.0f, -24)) == 0x0001);
    CHECK(float_to_f16(std::ldexp(1.0f, -25)) == 0x0000);            // tie to even (0)
    CHECK(float_to_f16(std::ldexp(3.0f, -25)) == 0x0002);            // tie to even (2)
    CHECK(float_to_f16(std::ldexp(1023.5f, -24)) == 0x0400);         // subnormal rounds up to the smallest normal
    CHECK(float_to_f16(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);     // tie to even
    CHECK(float_to_f16(1.0f + std::ldexp(3.0f, -11)) == 0x3C02);
    CHECK(std::isnan(f16_to_float(float_to_f16(std::numeric_limits<float>::quiet_NaN()))));
    CHECK(f16_to_float(0x0001) == std::ldexp(1.0f, -24));
    CHECK(f16_to_float(0x7BFF) == 65504.0f);
    CHECK(f16_to_float(0xFC00) == -std::numeric_limits<float>::infinity());
    CHECK(float_to_bf16(1.0f) == 0x3F80);
    CHECK(float_to_bf16(1.0f / 3) == 0x3EAB);
    CHECK(float_to_bf16(1.0f + std::ldexp(1.0f, -8)) == 0x3F80);     // tie to even
    CHECK(float_to_bf16(1.0f + std::ldexp(3.0f, -8)) == 0x3F82);
    CHECK(std::isnan(bf16_to_float(float_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
    // Every f16 value survives f16 -> float -> f16.
    for (std::uint32_t h = 0; h < 0x10000; ++h)
        if ((h & 0x7C00) != 0x7C00 || (h & 0x3FF) == 0) REQUIRE(float_to_f16(f16_to_float(std::uint16_t(h))) == h);

    TempDir dir;
    const Net a = make_net<Net>(3);
    for (io::dtype t : {io::dtype::f16, io::dtype::bf16}) {
        io::save_safetensors(a, dir.file("h.safetensors"), {}, t);
        const Bytes bytes = io::read_file(dir.file("h.safetensors"));
        CHECK(io::safetensors_view::parse(bytes, "h").tensors()[0].type == t);
        Net b;
        io::load_safetensors(b, dir.file("h.safetensors"));
        a.for_each_param([&](const std::string&, const auto& info, const float* pa) {
            const float* pb = b.params() + (pa - a.params());
            for (std::size_t i = 0; i < info.size(); ++i) {
                const float want = t == io::dtype::f16 ? f16_to_float(float_to_f16(pa[i]))
                                                       : bf16_to_float(float_to_bf16(pa[i]));
                REQUIRE(pb[i] == want);
                REQUIRE(std::abs(pb[i] - pa[i]) <= std::abs(pa[i]) * (t == io::dtype::f16 ? 0x1p-11f : 0x1p-8f) + 1e-7f);
            }
        });
    }
}

TEST_CASE("safetensors prefix and rename", "[io][safetensors]") {
    TempDir dir;
    const Net a = make_net<Net>(4);
    std::vector<io::tensor_out> outs;
    a.for_each_param([&](const std::string& name, const auto& info, const float* p) {
        outs.push_back({"model.layers." + name, {info.dims.begin(), info.dims.begin() + info.rank}, p, io::dtype::f32});
    });
    const float head[3] = {1, 2, 3};
    outs.push_back({"head.weight", {3}, head, io::dtype::f32});
    const std::string p = dir.file("big.safetensors");
    io::write_safetensors(outs, p, {{"format", "pt"}});

    Net b;
    io::load_safetensors(b, p, {.prefix = "model.layers.", .allow_unexpected = true});
    CHECK(same_bytes(a, b));
    Net c;
    io::load_safetensors(c, p, {.prefix = "model.", .rename = [](std::string_view n) {
                                    return "model.layers." + std::string(n.substr(6));
                                }, .allow_unexpected = true});
    CHECK(same_bytes(a, c));
    // Without allow_unexpected the head is named; without the prefix nothing is found.
    require_load_fails(p, Contains("unexpected tensor 'head.weight' [3], the network has no such parameter"),
                       {.prefix = "model.layers."});
    // Missing names come with the file's own names and the prefix that explains them.
    require_load_fails(p, Contains(p + ": missing tensors '0.weight' [4, 3], '0.bias' [4], '2.weight' [2, 4], '2.bias' [2]"
                                       " (the file has 5 tensors: 'model.layers.0.weight' [4, 3], ") &&
                              Contains("the file has every tensor under the prefix 'model.layers.': load with prefix \"model.layers.\""),
                       {.allow_unexpected = true});
    require_load_fails(p, Contains("under the prefix 'model.layers.'"), {.prefix = "model.", .allow_unexpected = true});
}

TEST_CASE("safetensors errors: file, header length and JSON", "[io][safetensors]") {
    TempDir dir;
    const std::string missing = dir.file("missing.safetensors");
    require_load_fails(missing, "ctnn: " + missing + ": no such file");
    require_load_fails(dir.path.string(), Contains(dir.path.string()) && Contains("is a directory, expected a file"));
    // Unreadable: /proc/self/mem opens but its first page is not mapped (EIO), even for root.
    require_load_fails("/proc/self/mem", Contains("/proc/self/mem: read error"));
    const std::string empty = dir.write("empty.safetensors", Bytes{});
    require_load_fails(empty, "ctnn: " + empty + ": empty file, expected a safetensors file");
    const std::string five = dir.write("five.safetensors", Bytes{1, 0, 0, 0, 0});
    require_load_fails(five, Contains("truncated header: the file has 5 bytes, the header length alone needs 8"));

    Bytes b = st_file("{}");
    io::detail::store_le<std::uint64_t>(b.data(), 1000);
    require_load_fails(dir.write("long.st", b), Contains("header length 1000 is larger than the 2 bytes that follow it"));
    io::detail::store_le<std::uint64_t>(b.data(), std::uint64_t{1} << 62);
    require_load_fails(dir.write("huge.st", b), Contains("is larger than the 100000000 bytes ctnn accepts"));
    io::detail::store_le<std::uint64_t>(b.data(), 1);
    require_load_fails(dir.write("tiny.st", b), Contains("header length 1 is too small"));

    require_load_fails(dir.write("bad.st", st_file("{\"0.weight\": ")), Contains("bad.st: the header is not valid UTF-8 JSON"));
    require_load_fails(dir.write("utf8.st", st_file("{\"\xff\xfe\": {}}")),
                       Contains("the header is not valid UTF-8 JSON") && Contains("UTF-8"));
    require_load_fails(dir.write("arr.st", st_file("[1, 2]   ")), Contains("the JSON header is an array, expected an object"));
    require_load_fails(dir.write("meta.st", st_file(R"({"__metadata__": {"a": 1}})")),
                       Contains("__metadata__ value 'a' is an unsigned integer, expected a string"));
    require_load_fails(
        dir.write("dup.st", st_file(R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "x": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})",
                                    Bytes(8))),
        Contains("the JSON header names 'x' twice"));
}

TEST_CASE("safetensors errors: entries, offsets, dtypes and shapes", "[io][safetensors]") {
    TempDir dir;
    auto one = [&](const std::string& entry, std::size_t data = 48) {
        return dir.write("e.st", st_file("{\"0.weight\": " + entry + "}", Bytes(data)));
    };
    require_load_fails(one("[1]"), Contains("tensor '0.weight' is an array, expected an object with dtype, shape and data_offsets"));
    require_load_fails(one(R"({"dtype": "F32", "shape": [4, 3]})"), Contains("tensor '0.weight' has no data_offsets"));
    require_load_fails(one(R"({"dtype": 32, "shape": [4, 3], "data_offsets": [0, 48]})"),
                       Contains("tensor '0.weight': dtype is an unsigned integer, expected a string"));
    require_load_fails(one(R"({"dtype": "I32", "shape": [4, 3], "data_offsets": [0, 48]})"),
                       Contains("tensor '0.weight' has dtype I32, ctnn reads F16, BF16, F32, F64 and I64"));
    require_load_fails(one(R"({"dtype": "F32", "shape": [4, -3], "data_offsets": [0, 48]})"),
                       Contains("tensor '0.weight': shape has a negative integer, expected unsigned integers"));
    require_load_fails(one(R"({"dtype": "F32", "shape": [4, 3.0], "data_offsets": [0, 48]})"),
                       Contains("shape has a floating-point number"));
    require_load_fails(one(R"({"dtype": "F32", "shape": [4294967296, 4294967296, 16], "data_offsets": [0, 48]})"),
                       Contains("tensor '0.weight': shape [4294967296, 4294967296, 16] has more bytes than fit in 64 bits"));
    require_load_fails(one(R"({"dtype": "F64", "shape": [4611686018427387904], "data_offsets": [0, 48]})"),
                       Contains("has more bytes than fit in 64 bits"));
    require_load_fails(one(R"({"dtype": "F32", "shape": [4, 3], "data_offsets": [0]})"),
                       Contains("data_offsets must be an array of two unsigned integers [begin, end]"));
    require_load_fails(one(R"({"dtype": "F32", "shape": [4, 3], "data_offsets": [48, 0]})"),
                       Contains("data_offsets [48, 0] end before they begin"));
    require_load_fails(one(R"({"dtype": "F32", "shape": [4, 3], "data_offsets": [8, 56]})"),
                       Contains("tensor '0.weight': data_offsets [8, 56] go past the end of the data section (48 bytes)"));
    require_load_fails(one(R"({"dtype": "F32", "shape": [4, 3], "data_offsets": [0, 40]})"),
                       Contains("data_offsets [0, 40] hold 40 bytes, dtype F32 and shape [4, 3] need 48"));
    require_load_fails(dir.write("o.st", st_file(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                                                     "b": {"dtype": "F32", "shape": [4], "data_offsets": [12, 28]}})",
                                                 Bytes(28))),
                       Contains("tensors 'a' (bytes 0 to 16) and 'b' (bytes 12 to 28) overlap"));

    // Shape and dtype against the network.
    const auto wide = make_net<BasicSequential<float, Input<3>, Dense<5>, ReLU, Dense<2>>>(1);
    const std::string p = dir.file("wide.safetensors");
    io::save_safetensors(wide, p);
    require_load_fails(p, "ctnn: " + p + ": tensor '0.weight' has shape [5, 3], expected [4, 3]; tensor '0.bias' has shape [5], "
                          "expected [4]; tensor '2.weight' has shape [2, 5], expected [2, 4]");
    const auto deep = make_net<BasicSequential<float, Input<3>, Dense<4>, ReLU, Dense<2>, ReLU, Dense<1>>>(1);
    io::save_safetensors(deep, p);
    require_load_fails(p, Contains(p + ": unexpected tensors '4.weight' [1, 2], '4.bias' [1], the network has no such parameter"));
    const auto shallow = make_net<BasicSequential<float, Input<3>, Dense<4>>>(1);
    io::save_safetensors(shallow, p);
    require_load_fails(p, "ctnn: " + p + ": missing tensors '2.weight' [2, 4], '2.bias' [2] (the file has 2 tensors: "
                          "'0.weight' [4, 3], '0.bias' [4])");
}

TEST_CASE("safetensors errors: every missing, unexpected and misshapen tensor in one message", "[io][safetensors]") {
    TempDir dir;
    // 0.weight [5, 3] (expected [4, 3]), 0.bias [5] (expected [4]), 2.weight [2, 5] (expected [2, 4]), 2.bias fine;
    // then 4.weight, 4.bias the network lacks.
    const auto other = make_net<BasicSequential<float, Input<3>, Dense<5>, ReLU, Dense<2>, ReLU, Dense<1>>>(1);
    const std::string p = dir.file("other.safetensors");
    io::save_safetensors(other, p);
    require_load_fails(p, "ctnn: " + p + ": tensor '0.weight' has shape [5, 3], expected [4, 3]; "
                          "tensor '0.bias' has shape [5], expected [4]; tensor '2.weight' has shape [2, 5], expected [2, 4]; "
                          "unexpected tensors '4.weight' [1, 2], '4.bias' [1], the network has no such parameter "
                          "(load with allow_unexpected to ignore)");
    // Missing ones first, with the file's names; no prefix explains these.
    const auto shallow = make_net<BasicSequential<float, Input<3>, Dense<5>>>(1);
    io::save_safetensors(shallow, p);
    require_load_fails(p, "ctnn: " + p + ": missing tensors '2.weight' [2, 4], '2.bias' [2] (the file has 2 tensors: "
                          "'0.weight' [5, 3], '0.bias' [5]); tensor '0.weight' has shape [5, 3], expected [4, 3]; "
                          "tensor '0.bias' has shape [5], expected [4]");
    // A prefix given where the file has none.
    io::save_safetensors(make_net<Net>(2), p);
    require_load_fails(p, Contains("the file has every tensor without the prefix 'encoder.': load without a prefix"),
                       {.prefix = "encoder."});
    // A DataParallel state_dict ("module.0.weight", ...): every name is explained by the one prefix.
    const Net dp = make_net<Net>(3);
    std::vector<io::tensor_out> outs;
    dp.for_each_param([&](const std::string& name, const auto& info, const float* q) {
        outs.push_back({"module." + name, {info.dims.begin(), info.dims.begin() + info.rank}, q, io::dtype::f32});
    });
    io::write_safetensors(outs, p);
    require_load_fails(p, "ctnn: " + p + ": missing tensors '0.weight' [4, 3], '0.bias' [4], '2.weight' [2, 4], '2.bias' [2] "
                          "(the file has 4 tensors: 'module.0.weight' [4, 3], 'module.0.bias' [4], 'module.2.weight' [2, 4], "
                          "'module.2.bias' [2]); the file has every tensor under the prefix 'module.': load with prefix "
                          "\"module.\"; unexpected tensors 'module.0.weight' [4, 3], 'module.0.bias' [4], 'module.2.weight' "
                          "[2, 4], 'module.2.bias' [2], the network has no such parameter (load with allow_unexpected to ignore)");
    Net loaded;
    io::load_safetensors(loaded, p, {.prefix = "module."});
    CHECK(same_bytes(loaded, dp));
    // Every missing and unexpected tensor is listed, however many; the file's own names, the first 8.
    const float one = 1;
    for (int k = 0; k < 8; ++k) outs.push_back({"b." + std::to_string(k), {1}, &one, io::dtype::f32});
    io::write_safetensors(outs, p);
    require_load_fails(p, Contains("missing tensors '0.weight' [4, 3], '0.bias' [4], '2.weight' [2, 4], '2.bias' [2] "
                                   "(the file has 12 tensors: 'module.0.weight' [4, 3], ") &&
                              Contains(", 'b.3' [1] and 4 more); the file has every tensor under the prefix 'module.'") &&
                              Contains("; unexpected tensors 'module.0.weight' [4, 3], 'module.0.bias' [4], 'module.2.weight' "
                                       "[2, 4], 'module.2.bias' [2], 'b.0' [1], 'b.1' [1], 'b.2' [1], 'b.3' [1], 'b.4' [1], "
                                       "'b.5' [1], 'b.6' [1], 'b.7' [1], the network has no such parameter"));
}

TEST_CASE("A PyTorch .pt file, a .npy and other files say what they are and what to do", "[io][safetensors]") {
    TempDir dir;
    // torch.save's zip archive, and its legacy pickle (protocol 2).
    Bytes zip{'P', 'K', 3, 4, 0, 0, 0, 0, 8, 0, 0x21, 0, 'a', 'r', 'c', 'h', 'i', 'v', 'e', '/'};
    const std::string pt = dir.write("model.pt", zip);
    require_load_fails(pt, Contains(pt + ": not a safetensors file: it is a zip archive, as torch.save writes a PyTorch .pt file") &&
                               Contains("tools/save_safetensors.py"));
    const std::string pickle = dir.write("legacy.pt", Bytes{0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8});
    require_load_fails(pickle, Contains("it is a Python pickle") && Contains("save_safetensors.py"));
    const Tensor<float, 2> t{1, 2};
    const std::string npy = dir.file("t.npy");
    io::save_npy(t, npy);
    require_load_fails(npy, Contains(npy + ": not a safetensors file: it is a NumPy .npy file: read it with io::load_npy"));
    // Text, or bytes of no known format: not a "header length 7..." but what a safetensors file is and how to make one.
    const std::string text = dir.write("notes.safetensors", std::string("hello, world: this is no model\n"));
    require_load_fails(text, "ctnn: " + text + ": not a safetensors file: a safetensors file starts with an 8-byte header "
                             "length and then the JSON header ('{' at byte 8), this one starts with the bytes "
                             "68 65 6c 6c 6f 2c 20 77 (a header length of 8583909746840200552 for 23 bytes) and has no '{' "
                             "at byte 8; save the model with tools/save_safetensors.py (installed in share/ctnn/python), "
                             "or in Python with safetensors.torch.save_file(model.state_dict(), \"model.safetensors\")");
    const std::string eight = dir.write("eight.safetensors", Bytes{9, 0, 0, 0, 0, 0, 0, 0});
    require_load_fails(eight, Contains(eight + ": not a safetensors file") && Contains("(a header length of 9 for 0 bytes)"));
    // A length that can be, with JSON that is not, is a broken safetensors file, named as such.
    Bytes broken = st_file("{\"a\": 1}");
    broken[8] = 'x';
    require_load_fails(dir.write("broken.st", broken), Contains("the header is not valid UTF-8 JSON"));
    // The .npy reader recognises them too.
    REQUIRE_THROWS_WITH((io::load_npy<Tensor<float, 2>>(pt)), Contains("not a .npy file") && Contains("save_safetensors.py"));
    const std::string st = dir.file("w.safetensors");
    io::save_safetensors(make_net<Net>(1), st);
    REQUIRE_THROWS_WITH((io::load_npy<Tensor<float, 2>>(st)), Contains("it is a safetensors file: read it with io::load_safetensors"));
}

TEST_CASE("safetensors errors: NaN and infinities unless allowed", "[io][safetensors]") {
    TempDir dir;
    const std::string p = dir.file("nan.safetensors");
    for (double bad : {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity(), 1e300}) {
        NetD d = make_net<NetD>(5);
        d.param<"2.weight">().data()[1] = bad;  // 2.weight, index 1
        io::save_safetensors(d, p, {}, io::dtype::f64);
        const char* what = std::isnan(bad) ? "has a NaN at index 1" : std::isinf(bad) ? "has an infinity at index 1"
                                                                                     : "has the value 1e+300, too large for float, at index 1";
        require_load_fails(p, Contains(p + ": tensor '2.weight' " + what) && Contains("allow_nonfinite"));
        Net n;
        io::load_safetensors(n, p, {.allow_nonfinite = true});
        CHECK(!std::isfinite(n.param<"2.weight">().data()[1]));
        CHECK(n.param<"2.weight">().data()[0] == float(d.param<"2.weight">().data()[0]));
    }
    // f16 infinity too.
    Net h = make_net<Net>(6);
    h.params()[2] = 1e6f;  // beyond f16's range: saved as +inf
    io::save_safetensors(h, p, {}, io::dtype::f16);
    require_load_fails(p, Contains("tensor '0.weight' has an infinity at index 2"));
}

TEST_CASE("write_safetensors refuses bad names and is atomic", "[io][safetensors]") {
    TempDir dir;
    const float x[2] = {1, 2};
    const io::tensor_out twice[2] = {{"a", {2}, x, io::dtype::f32}, {"a", {2}, x, io::dtype::f32}};
    const std::string p = dir.file("t.safetensors");
    REQUIRE_THROWS_WITH(io::write_safetensors(twice, p), "ctnn: " + p + ": two tensors are called 'a'");
    const io::tensor_out meta[1] = {{"__metadata__", {2}, x, io::dtype::f32}};
    REQUIRE_THROWS_WITH(io::write_safetensors(meta, p), Contains("a tensor cannot be called __metadata__"));
    CHECK(!fs::exists(p));
    // An existing file is replaced whole; a directory that does not exist is an error naming the path.
    dir.write("t.safetensors", std::string("old"));
    io::write_safetensors(std::span(twice, 1), p);
    const Bytes b = io::read_file(p);
    CHECK(io::safetensors_view::parse(b, p).tensors().size() == 1);
    const std::string nodir = dir.file("no/such/dir.safetensors");
    REQUIRE_THROWS_WITH(io::write_safetensors(std::span(twice, 1), nodir), Contains(nodir + ": cannot create"));
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);
}
