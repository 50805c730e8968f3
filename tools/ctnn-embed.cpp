// ctnn-embed: writes a safetensors file's tensors as a C++ header of
// `constexpr` arrays bound to a network type, so that a program carries its
// model with no file I/O and no start-up cost.
//
//   ctnn-embed model.safetensors --net 'Sequential<Input<4>, Dense<8>, ReLU, Dense<2>>'
//              [--name model] [--type float|double] [-o model.hpp]
//              [--prefix P] [--rename NAME=FILE_NAME]... [--allow-unexpected] [--allow-nonfinite]
//              [--quantize bf16|int8|f32 [--calibration SAMPLES.npy]]
//
// The tool reads `--net` with io::parse_net_spec before it reads the file: an
// unknown layer is one sentence naming it. It then matches the file against
// the network's parameters as load_safetensors does (the same options; every
// missing, unexpected or misshapen tensor in one message, with the expected
// shapes) and writes the network's tensors in its parameter order under
// ctnn's names; the generated header still makes the compiler check each one
// against the type (include/ctnn/io/embed.hpp describes the format). Values are written in the
// shortest form that reads back to the same float (std::to_chars), so the
// embedded model equals the file's bit for bit.
//
// With --quantize the header holds a `ctnn::Quantized<net_type, quant::bf16_weights>`
// (or int8_weights, or f32_weights: the FP32 deployment form) instead: each Dense's weights already converted by the
// library's own functions (to_bf16; quantize_int8_row: int8 with one scale a
// row), so the program converts nothing at run time. int8 needs calibration
// samples (--calibration, a .npy of [N, input...]): the tool runs the float
// network over them to find each Dense input's range (min, max |x|), as
// quant::quantize does with percentile 100. The tool's float forward sums in
// double and knows Dense, ReLU, Identity, Flatten and Dropout; other layers
// are an error naming them (quantize those networks in a program).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <utility>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <ctnn/io/file.hpp>
#include <ctnn/io/net_spec.hpp>
#include <ctnn/io/npy.hpp>
#include <ctnn/io/safetensors.hpp>
#include <ctnn/quant/layers.hpp>

namespace {

constexpr const char* usage =
    "usage: ctnn-embed FILE.safetensors --net 'Sequential<Input<...>, ...>' [--name NAMESPACE]\n"
    "                  [--type float|double] [-o OUT.hpp] [--prefix P] [--rename NAME=FILE_NAME]...\n"
    "                  [--allow-unexpected] [--allow-nonfinite] [--quantize bf16|int8|f32 [--calibration X.npy]]\n"
    "Writes the network's tensors from FILE as constexpr arrays bound to the network type\n"
    "(a C++ header, to standard output or OUT.hpp). NAMESPACE (default: model) holds net_type\n"
    "and the constant net; --type defaults to the network's value type.\n"
    "As io::load_safetensors: ctnn's tensor NAME (0.weight, ...) is FILE_NAME if renamed, else\n"
    "P + NAME; --allow-unexpected ignores the file's other tensors, --allow-nonfinite accepts\n"
    "NaN and infinities.\n"
    "--quantize bf16|int8|f32 bakes ctnn::Quantized<net_type, quant::bf16_weights / int8_weights /\n"
    "f32_weights (FP32, small layers column-major)>\n"
    "instead (float networks of Dense and parameter-free layers); int8 needs --calibration\n"
    "X.npy, samples [N, input...] whose values set each Dense input's scale.\n";

struct options {
    std::string file;
    std::string net;
    std::string name = "model";
    std::string type;
    std::string out;
    std::string prefix;
    std::map<std::string, std::string, std::less<>> rename;  // ctnn name -> file name
    bool allow_unexpected = false;
    bool allow_nonfinite = false;
    std::string quantize;     // "", "bf16" or "int8"
    std::string calibration;  // int8: a .npy of samples
};

[[noreturn]] void fail(const std::string& message) {
    std::cerr << "ctnn-embed: " << message << '\n';
    std::exit(1);
}

bool is_identifier(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

/// "a::b" is a nested namespace name.
bool is_namespace_name(std::string_view s) {
    std::size_t start = 0;
    for (;;) {
        const std::size_t sep = s.find("::", start);
        if (!is_identifier(s.substr(start, sep - start))) return false;
        if (sep == std::string_view::npos) return true;
        start = sep + 2;
    }
}

options parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&](std::string_view flag) -> std::string {
            if (i + 1 >= argc) fail(std::string(flag) + " needs a value\n" + usage);
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::cout << usage;
            std::exit(0);
        } else if (a == "--net") {
            o.net = value(a);
        } else if (a == "--name") {
            o.name = value(a);
        } else if (a == "--type") {
            o.type = value(a);
        } else if (a == "-o" || a == "--output") {
            o.out = value(a);
        } else if (a == "--prefix") {
            o.prefix = value(a);
        } else if (a == "--rename") {
            const std::string r = value(a);
            const std::size_t eq = r.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == r.size())
                fail("--rename takes NAME=FILE_NAME (ctnn's name, then the file's), not " + r);
            o.rename[r.substr(0, eq)] = r.substr(eq + 1);
        } else if (a == "--allow-unexpected") {
            o.allow_unexpected = true;
        } else if (a == "--quantize") {
            o.quantize = value(a);
        } else if (a == "--calibration") {
            o.calibration = value(a);
        } else if (a == "--allow-nonfinite") {
            o.allow_nonfinite = true;
        } else if (a.starts_with("-")) {
            fail("unknown option " + std::string(a) + "\n" + usage);
        } else if (o.file.empty()) {
            o.file = a;
        } else {
            fail("one input file only (got " + o.file + " and " + std::string(a) + ")\n" + usage);
        }
    }
    if (o.file.empty()) fail(std::string("no input file\n") + usage);
    if (o.net.empty()) fail(std::string("no network type (--net 'Sequential<...>')\n") + usage);
    if (o.net.find_first_of(";{}#\n") != std::string::npos) fail("--net must be a type: " + o.net);
    if (!is_namespace_name(o.name)) fail("--name must be a namespace name: " + o.name);
    if (!o.type.empty() && o.type != "float" && o.type != "double") fail("--type is float or double, not " + o.type);
    if (!o.quantize.empty() && o.quantize != "bf16" && o.quantize != "int8" && o.quantize != "f32")
        fail("--quantize is bf16, int8 or f32, not " + o.quantize);
    if (o.quantize == "int8" && o.calibration.empty())
        fail("--quantize int8 needs --calibration SAMPLES.npy: each Dense input's int8 scale comes from the values "
             "that reach it (bf16 needs none)");
    if (!o.calibration.empty() && o.quantize != "int8") fail("--calibration is for --quantize int8 only");
    if (!o.quantize.empty() && o.type == "double") fail("--quantize takes a float network, not --type double");
    return o;
}

/// `s` as the body of a C++ string literal.
std::string escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", u);  // octal: a following digit cannot extend it past 3
            out += buf;
        } else if (c == '?') {
            out += "\\?";  // no trigraphs
        } else {
            out += c;
        }
    }
    return out;
}

/// The shortest literal that reads back as exactly `v` ("0.1f", "1.f", "-3e-05f").
template <class T>
void append_literal(std::string& out, T v) {
    const std::string limits = std::string("::std::numeric_limits<") + (std::is_same_v<T, float> ? "float" : "double") + ">::";
    if (std::isnan(v)) {  // only with --allow-nonfinite
        out += limits + "quiet_NaN()";
        return;
    }
    if (std::isinf(v)) {
        out += (v < 0 ? "-" : "") + limits + "infinity()";
        return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
    out += s;
    if (s.find_first_of(".e") == std::string_view::npos) out += '.';
    if constexpr (std::is_same_v<T, float>) out += 'f';
}

std::string shape_list(const std::vector<std::size_t>& shape) {
    std::string s;
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s;
}

/// One tensor to write: ctnn's name and the file's entry.
struct embedded_tensor {
    std::string name;
    const ctnn::io::tensor_entry* entry;
};

template <class T>
std::string generate(const options& o, const ctnn::io::safetensors_view& file, const std::vector<embedded_tensor>& tensors) {
    std::size_t values = 0;
    for (const auto& t : tensors) values += t.entry->size();

    const std::string base = o.file.substr(o.file.find_last_of('/') == std::string::npos ? 0 : o.file.find_last_of('/') + 1);
    const char* t = o.type == "float" ? "float" : "double";
    std::string h;
    h.reserve(values * 14 + 4096);
    h += "// Generated by ctnn-embed from " + base + ": do not edit.\n";
    h += "// " + std::to_string(tensors.size()) + " tensors, " + std::to_string(values) + " values, bound to\n";
    h += "//   " + o.net + "\n";
    h += "// The compiler checks every tensor's name and shape against the network type\n";
    h += "// (see <ctnn/io/embed.hpp>). Use: " + o.name + "::net.forward(x).\n";
    h += "#pragma once\n\n#include <limits>\n\n#include <ctnn/io/embed.hpp>\n#include <ctnn/layers.hpp>\n#include <ctnn/net.hpp>\n\n";
    h += "namespace " + o.name + " {\n\n";
    h += "namespace embedded_detail {\nusing namespace ::ctnn;\nusing net_type = " + o.net + ";\n}  // namespace embedded_detail\n";
    h += "using net_type = embedded_detail::net_type;\n\n";
    h += "/// The network's tensors, in its parameter order.\nnamespace data {\n";
    std::vector<T> buf;
    for (std::size_t k = 0; k < tensors.size(); ++k) {
        const auto& e = *tensors[k].entry;
        buf.assign(e.size(), T(0));
        if (!buf.empty()) file.read<T>(e, buf.data(), o.allow_nonfinite);
        h += "// " + tensors[k].name + (tensors[k].name == e.name ? "" : " (" + e.name + " in the file)") + " [" +
             shape_list(e.shape) + "] " + std::string(ctnn::io::dtype_name(e.type)) + "\n";
        h += "alignas(64) inline constexpr " + std::string(t) + " t" + std::to_string(k) + "[" +
             std::to_string(std::max<std::size_t>(buf.size(), 1)) + "] = {";
        for (std::size_t i = 0; i < buf.size(); ++i) {
            h += i % 8 == 0 ? "\n    " : " ";
            append_literal(h, buf[i]);
            h += ',';
        }
        h += "};\n";
    }
    h += "}  // namespace data\n\n";
    h += "inline constexpr ::ctnn::embed::tensor<" + std::string(t) + "> tensors[] = {\n";
    for (std::size_t k = 0; k < tensors.size(); ++k) {
        const auto& e = *tensors[k].entry;
        const std::string data = "data::t" + std::to_string(k);
        h += "    {\"" + escape(tensors[k].name) + "\", {" + shape_list(e.shape) + "}, " +
             (e.size() == 0 ? "{" + data + ", 0}" : data) + "},\n";
    }
    h += "};\n\n";
    h += "// Each tensor against the type: a name that is no parameter, or a wrong shape, is\n"
         "// a compile error naming the tensor; a parameter the file lacks is one in bind.\n";
    for (const auto& tt : tensors) {
        h += "CTNN_EMBED_CHECK(net_type, \"" + escape(tt.name) + "\"";
        if (!tt.entry->shape.empty()) h += ", " + shape_list(tt.entry->shape);
        h += ");\n";
    }
    h += "\n/// The network, a constant: in read-only data, no file I/O, no start-up cost.\n";
    h += "inline constexpr net_type net = ::ctnn::embed::bind<net_type, tensors>();\n\n";
    h += "}  // namespace " + o.name + "\n";
    return h;
}

// ---- --quantize ------------------------------------------------------------------

/// A Dense of the network's top-level chain, read as float.
struct dense_layer {
    std::size_t index = 0;  // PyTorch's module index
    std::size_t in = 0, out = 0;
    std::vector<float> w, b;  // [out, in]; b empty without a bias
};

/// The top-level layers for --quantize: each Dense read from the file; a layer
/// with parameters that is no Dense (no quantized form), or for int8 a layer
/// the calibration cannot run, is an error naming it.
std::vector<dense_layer> dense_layers(const options& o, const ctnn::io::net_spec& spec,
                                      const ctnn::io::safetensors_view& file, const std::vector<embedded_tensor>& tensors) {
    static constexpr std::string_view calibrated[] = {"Dense", "ReLU", "Identity", "Flatten", "Dropout"};
    std::vector<dense_layer> dense;
    for (std::size_t j = 0; j < spec.layers.size(); ++j) {
        const std::string& name = spec.layers[j], path = std::to_string(j) + ".";
        std::vector<const embedded_tensor*> own;
        for (const auto& t : tensors)
            if (t.name.starts_with(path)) own.push_back(&t);
        if (name != "Dense" && !own.empty())
            fail("--quantize: layer " + std::to_string(j) + " is " + name +
                 ", which has parameters and no quantized form (Quantized quantizes Dense layers and runs "
                 "layers without parameters in float)");
        if (o.quantize == "int8" && std::find(std::begin(calibrated), std::end(calibrated), name) == std::end(calibrated))
            fail("--quantize int8: layer " + std::to_string(j) + " is " + name +
                 ": the tool's calibration runs Dense, ReLU, Identity, Flatten and Dropout only (quantize this "
                 "network in a program with quant::quantize, or bake it in bf16)");
        if (name != "Dense") continue;
        dense_layer d;
        d.index = j;
        for (const embedded_tensor* t : own) {
            const auto& e = *t->entry;
            std::vector<float>& to = t->name == path + "weight" ? d.w : d.b;
            to.resize(e.size());
            file.read<float>(e, to.data(), o.allow_nonfinite);
            if (&to == &d.w) {
                d.out = e.shape[0];
                d.in = e.shape[1];
            }
        }
        if (o.quantize == "int8" && !std::all_of(d.w.begin(), d.w.end(), [](float v) { return std::isfinite(v); }))
            fail("--quantize int8: tensor '" + path + "weight' has a NaN or an infinity, which has no int8 form");
        dense.push_back(std::move(d));
    }
    return dense;
}

/// Each Dense input's range over the calibration samples, as quant::quantize
/// finds it with percentile 100: the least value (0 if none is below) and max |x|.
std::vector<ctnn::quant::input_range> calibrate(const options& o, const ctnn::io::net_spec& spec,
                                                const std::vector<dense_layer>& dense) {
    const std::vector<std::uint8_t> bytes = ctnn::io::read_file(o.calibration);
    const ctnn::io::npy_array a = ctnn::io::parse_npy(bytes, o.calibration);
    std::size_t width = 1;
    for (std::size_t d : spec.input) width *= d;
    std::vector<std::size_t> expected{0};
    expected.insert(expected.end(), spec.input.begin(), spec.input.end());
    std::size_t per_sample = 1;
    for (std::size_t i = 1; i < a.shape.size(); ++i) per_sample *= a.shape[i];
    if (a.shape.size() < 2 || a.shape[0] == 0 || per_sample != width)
        fail(o.calibration + ": calibration samples have shape " + ctnn::io::detail::npy_shape(a.shape) +
             ", expected [N, " + shape_list(spec.input) + "] with N >= 1 (one sample a row)");
    if (a.fortran_order) fail(o.calibration + ": calibration samples must be in C order, not Fortran order");
    std::vector<ctnn::quant::input_range> range(dense.size());
    std::vector<float> x(width), y;
    for (std::size_t s = 0; s < a.shape[0]; ++s) {
        for (std::size_t i = 0; i < width; ++i) {
            x[i] = float(ctnn::io::detail::load_element(a.type, a.data.data(), s * width + i));
            if (!std::isfinite(x[i]))
                fail(o.calibration + ": calibration sample " + std::to_string(s) + " has a NaN or an infinity at " +
                     std::to_string(i));
        }
        std::size_t k = 0;
        for (const std::string& name : spec.layers) {
            if (name == "ReLU") {
                for (float& v : x) v = v > 0 ? v : 0.0f;
            } else if (name == "Dense") {
                const dense_layer& d = dense[k];
                for (float v : x) {
                    range[k].min = std::min(range[k].min, v);
                    range[k].max_abs = std::max(range[k].max_abs, std::fabs(v));
                }
                y.assign(d.out, 0.0f);
                for (std::size_t r = 0; r < d.out; ++r) {
                    double z = d.b.empty() ? 0.0 : double(d.b[r]);
                    for (std::size_t i = 0; i < d.in; ++i) z += double(d.w[r * d.in + i]) * double(x[i]);
                    y[r] = float(z);
                }
                x.swap(y);
                ++k;
            }  // Identity, Flatten, Dropout (inference): x as it is
        }
    }
    return range;
}

/// The header of a quantized network (--quantize).
std::string generate_quantized(const options& o, const std::vector<dense_layer>& dense,
                               const std::vector<ctnn::quant::input_range>& range, std::size_t samples) {
    const bool int8 = o.quantize == "int8";
    const std::string base = o.file.substr(o.file.find_last_of('/') == std::string::npos ? 0 : o.file.find_last_of('/') + 1);
    std::string h;
    h += "// Generated by ctnn-embed --quantize " + o.quantize + " from " + base + ": do not edit.\n";
    h += "// " + std::to_string(dense.size()) + " Dense layers in " + o.quantize + ", bound to\n//   " + o.net + "\n";
    if (int8) h += "// Input scales calibrated on " + std::to_string(samples) + " samples (max |x|).\n";
    h += "// Use: " + o.name + "::net.forward(x) (a ctnn::Quantized, converted at build time).\n";
    h += "#pragma once\n\n#include <cstdint>\n\n#include <ctnn/layers.hpp>\n#include <ctnn/net.hpp>\n#include <ctnn/quant.hpp>\n\n";
    h += "namespace " + o.name + " {\n\n";
    h += "namespace embedded_detail {\nusing namespace ::ctnn;\nusing net_type = " + o.net + ";\n}  // namespace embedded_detail\n";
    h += "using net_type = embedded_detail::net_type;\n";
    h += "using quantized_type = ::ctnn::Quantized<net_type, ::ctnn::quant::" + o.quantize + "_weights>;\n\n/// Each Dense's arrays, [out, in] row-major.\nnamespace data {\n";
    auto array = [&](const std::string& type, const std::string& name, std::size_t n, auto&& element) {
        h += "alignas(64) inline constexpr " + type + " " + name + "[" + std::to_string(std::max<std::size_t>(n, 1)) + "] = {";
        for (std::size_t i = 0; i < n; ++i) {
            h += i % 16 == 0 ? "\n    " : " ";
            element(i);
            h += ',';
        }
        h += "};\n";
    };
    std::vector<std::int8_t> q;
    std::vector<float> ws;
    std::vector<std::int32_t> rs;
    for (std::size_t k = 0; k < dense.size(); ++k) {
        const dense_layer& d = dense[k];
        const std::string n = std::to_string(k), at = std::to_string(d.index);
        h += "// " + at + ".weight [" + std::to_string(d.out) + ", " + std::to_string(d.in) + "] in " + o.quantize + "\n";
        if (o.quantize == "f32") {
            array("float", "w" + n, d.w.size(), [&](std::size_t i) { append_literal(h, d.w[i]); });
        } else if (!int8) {
            array("std::uint16_t", "w" + n, d.w.size(), [&](std::size_t i) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "0x%04x", unsigned(ctnn::simd::quant::to_bf16(d.w[i])));
                h += buf;
            });
        } else {
            q.assign(d.w.size(), 0);
            ws.resize(d.out);
            rs.resize(d.out);
            for (std::size_t r = 0; r < d.out; ++r) {
                const auto row = ctnn::simd::quant::quantize_int8_row(d.w.data() + r * d.in, d.in, q.data() + r * d.in);
                ws[r] = row.scale;
                rs[r] = row.sum;
            }
            array("std::int8_t", "w" + n, q.size(), [&](std::size_t i) { h += std::to_string(int(q[i])); });
            h += "// each row's scale and sum of q\n";
            array("float", "s" + n, d.out, [&](std::size_t i) { append_literal(h, ws[i]); });
            array("std::int32_t", "r" + n, d.out, [&](std::size_t i) { h += std::to_string(rs[i]); });
        }
        if (!d.b.empty()) {
            h += "// " + at + ".bias [" + std::to_string(d.out) + "]\n";
            array("float", "b" + n, d.b.size(), [&](std::size_t i) { append_literal(h, d.b[i]); });
        }
    }
    h += "}  // namespace data\n\ninline constexpr ::ctnn::quant::baked_dense dense[] = {\n";
    for (std::size_t k = 0; k < dense.size(); ++k) {
        const dense_layer& d = dense[k];
        const std::string n = std::to_string(k);
        h += "    {.in = " + std::to_string(d.in) + ", .out = " + std::to_string(d.out) + ", ";
        if (int8) h += ".int8 = data::w" + n + ", .weight_scale = data::s" + n + ", .row_sum = data::r" + n + ", ";
        else h += "." + o.quantize + " = data::w" + n + ", ";
        h += ".bias = " + (d.b.empty() ? std::string("nullptr") : "data::b" + n);
        if (int8) {
            h += ", .input = {";
            append_literal(h, range[k].min);
            h += ", ";
            append_literal(h, range[k].max_abs);
            h += "}";
        }
        h += "},\n";
    }
    h += "};\nstatic_assert(quantized_type::fits(dense), \"ctnn: the baked arrays do not match the network's Dense "
         "layers (regenerate the header with ctnn-embed)\");\n\n";
    h += "/// The network, a constant: converted at build time, in read-only data.\n";
    h += "inline constexpr quantized_type net{dense};\n\n}  // namespace " + o.name + "\n";
    return h;
}

/// The library's messages name load_options' fields; the tool's, its flags
/// (and "ctnn-embed: " replaces the library's "ctnn: ").
std::string in_tool_words(std::string m) {
    if (m.starts_with("ctnn: ")) m.erase(0, 6);
    for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"load with allow_unexpected", "use --allow-unexpected"},
                            {"load with allow_nonfinite", "use --allow-nonfinite"},
                            {"load with prefix ", "use --prefix "},
                            {"load without a prefix", "drop --prefix"}}) {
        for (std::size_t at = m.find(from); at != std::string::npos; at = m.find(from, at + to.size()))
            m.replace(at, from.size(), to);
    }
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    options o = parse_args(argc, argv);
    try {
        // The type first: a wrong --net stops here, before the file is read or anything written.
        ctnn::io::net_spec spec;
        try {
            spec = ctnn::io::parse_net_spec(o.net);
        } catch (const std::exception& e) {
            fail("--net: " + in_tool_words(e.what()));
        }
        if (o.type.empty()) o.type = spec.value_type;
        const std::vector<std::uint8_t> bytes = ctnn::io::read_file(o.file);
        const auto file = ctnn::io::safetensors_view::parse(bytes, o.file);
        ctnn::io::load_options lo{.prefix = o.prefix, .allow_unexpected = o.allow_unexpected,
                                  .allow_nonfinite = o.allow_nonfinite};
        if (!o.rename.empty())
            lo.rename = [&](std::string_view prefixed) {
                const std::string_view name = prefixed.substr(o.prefix.size());
                const auto it = o.rename.find(name);
                return it == o.rename.end() ? std::string(prefixed) : it->second;
            };
        for (const auto& r : o.rename)  // (clang 14 cannot capture a structured binding)
            if (std::none_of(spec.params.begin(), spec.params.end(), [&](const auto& p) { return p.name == r.first; }))
                fail("--rename " + r.first + "=" + r.second + ": the network has no tensor " + r.first);
        const auto found = ctnn::io::match_tensors(file, spec.params, lo);
        std::vector<embedded_tensor> tensors;
        for (std::size_t i = 0; i < found.size(); ++i) tensors.push_back({spec.params[i].name, found[i]});
        std::string header;
        if (!o.quantize.empty()) {
            if (o.type != "float") fail("--quantize takes a float network, this one is " + o.type);
            const std::vector<dense_layer> dense = dense_layers(o, spec, file, tensors);
            std::vector<ctnn::quant::input_range> range;
            if (o.quantize == "int8") range = calibrate(o, spec, dense);
            std::size_t samples = 0;
            if (!o.calibration.empty()) samples = ctnn::io::parse_npy(ctnn::io::read_file(o.calibration), o.calibration).shape[0];
            header = generate_quantized(o, dense, range, samples);
        } else {
            header = o.type == "float" ? generate<float>(o, file, tensors) : generate<double>(o, file, tensors);
        }
        if (o.out.empty()) {
            std::cout << header;
            std::cout.flush();
            if (!std::cout) fail("cannot write the header to standard output");
        } else {
            const std::span<const std::uint8_t> part(reinterpret_cast<const std::uint8_t*>(header.data()), header.size());
            ctnn::io::write_file_atomic(std::span<const std::span<const std::uint8_t>>(&part, 1), o.out);
        }
    } catch (const std::exception& e) {
        fail(in_tool_words(e.what()));
    }
    return 0;
}
