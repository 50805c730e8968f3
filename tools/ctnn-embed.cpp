// ctnn-embed: writes a safetensors file's tensors as a C++ header of
// `constexpr` arrays bound to a network type, so that a program carries its
// model with no file I/O and no start-up cost.
//
//   ctnn-embed model.safetensors --net 'Sequential<Input<4>, Dense<8>, ReLU, Dense<2>>'
//              [--name model] [--type float|double] [-o model.hpp]
//              [--prefix P] [--rename NAME=FILE_NAME]... [--allow-unexpected] [--allow-nonfinite]
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
#include <ctnn/io/safetensors.hpp>

namespace {

constexpr const char* usage =
    "usage: ctnn-embed FILE.safetensors --net 'Sequential<Input<...>, ...>' [--name NAMESPACE]\n"
    "                  [--type float|double] [-o OUT.hpp] [--prefix P] [--rename NAME=FILE_NAME]...\n"
    "                  [--allow-unexpected] [--allow-nonfinite]\n"
    "Writes the network's tensors from FILE as constexpr arrays bound to the network type\n"
    "(a C++ header, to standard output or OUT.hpp). NAMESPACE (default: model) holds net_type\n"
    "and the constant net; --type defaults to the network's value type.\n"
    "As io::load_safetensors: ctnn's tensor NAME (0.weight, ...) is FILE_NAME if renamed, else\n"
    "P + NAME; --allow-unexpected ignores the file's other tensors, --allow-nonfinite accepts\n"
    "NaN and infinities.\n";

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
        const std::string header = o.type == "float" ? generate<float>(o, file, tensors) : generate<double>(o, file, tensors);
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
