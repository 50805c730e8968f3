#pragma once
/// \file net_spec.hpp
/// A network type written as text, `Sequential<Input<4>, Dense<8>, ReLU,
/// Dense<2>>`, read without a compiler: its value type, input shape, and the
/// parameter tensors it has (PyTorch's names and shapes, in the network's
/// order). `ctnn-embed` checks `--net` with it before writing anything, so
/// that a typo is one sentence naming the layer, not a generated header and
/// pages of compile errors.
///
/// ```cpp
/// io::net_spec s = io::parse_net_spec("Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>");
/// // s.value_type "float", s.input {784}, s.params {{"0.weight", {128, 784}}, {"0.bias", {128}}, ...}
/// ```
/// It knows the layers of `layers/` by name and their parameters: a new
/// layer must be added here too (tests/unit/io/net_spec.cpp compares the
/// result with `for_each_param` of the real types). Names may carry
/// `ctnn::`. Throws `ctnn::error` on anything else.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/error.hpp"
#include "detail/text_cursor.hpp"
#include "safetensors.hpp"

namespace ctnn::io {

/// What the text of a network type says: `value_type` "float" or "double",
/// the shape of one input sample, the parameter tensors in order.
struct net_spec {
    std::string value_type = "float";
    std::vector<std::size_t> input;
    std::vector<expected_tensor> params;
    std::vector<std::string> layers;  ///< the top-level layers' names, in order ("Dense", "ReLU", ...)
};

namespace detail {

/// Every layer name the parser knows, for messages.
inline constexpr std::string_view net_spec_layers[] = {
    "Dense", "Identity", "ReLU",    "LeakyReLU", "PReLU",   "Tanh",       "Sigmoid",  "ELU",    "GELU", "GELUTanh",
    "SiLU",  "Softplus", "Softmax", "Dropout",   "Flatten", "Activation", "Residual", "Add",    "Concat",
    "PerStep", "GRU", "LSTM", "Conv1D", "Slice",
    // normalization, embedding, pooling (layers/norm.hpp, embedding.hpp, pool.hpp)
    "LayerNorm", "BatchNorm1D", "BatchNorm2D", "Embedding", "MaxPool1D", "AvgPool1D", "MaxPool2D", "AvgPool2D",
    "GlobalAvgPool",
    // images (layers/conv2d.hpp)
    "Conv2D"};

/// Levenshtein distance, for "did you mean".
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                              std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

/// A template argument: a type (name and arguments) or a number.
struct net_arg {
    std::string name;  ///< empty for a number
    std::vector<net_arg> args;
    std::string number;
    std::size_t pos = 0;
};

class net_spec_parser : public text_cursor {
public:
    explicit net_spec_parser(std::string_view text) : text_cursor{text} {}

    static constexpr std::size_t max_depth = 100;

    [[noreturn]] void fail(std::size_t pos, const std::string& what) const {
        throw error("network type '" + std::string(s) + "': " + what + " (at character " + std::to_string(pos + 1) + ")");
    }
    net_arg arg() {
        skip_ws();
        net_arg a;
        a.pos = pos;
        if (pos >= s.size()) fail(pos, "the text ends where a type or a number should be");
        const char c = s[pos];
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
            const std::size_t start = pos++;
            while (pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[pos])) || s[pos] == '.' ||
                                        s[pos] == '\'' ||
                                        ((s[pos] == '-' || s[pos] == '+') && (s[pos - 1] == 'e' || s[pos - 1] == 'E'))))
                ++pos;
            a.number = std::string(s.substr(start, pos - start));
            std::erase(a.number, '\'');
            return a;
        }
        if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'))
            fail(pos, std::string("unexpected '") + c + "'");
        const std::size_t start = pos;
        while (pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[pos])) || s[pos] == '_' || s[pos] == ':'))
            ++pos;
        a.name = std::string(s.substr(start, pos - start));
        for (std::string_view ns : {"::ctnn::", "ctnn::"})
            if (a.name.starts_with(ns)) a.name.erase(0, ns.size());
        if (eat('<')) {
            // the parser and the walk recurse per level: bound the stack they use
            if (++depth_ > max_depth) fail(a.pos, "types nested more than " + std::to_string(max_depth) + " levels deep");
            if (!eat('>')) {
                do a.args.push_back(arg());
                while (eat(','));
                if (!eat('>')) fail(pos, "expected ',' or '>'");
            }
            --depth_;
        }
        return a;
    }
    net_arg top() {
        net_arg a = arg();
        skip_ws();
        if (pos != s.size()) fail(pos, "text after the type");
        return a;
    }

private:
    std::size_t depth_ = 0;
};

}  // namespace detail

namespace detail {

/// Walks the parsed type: each layer's parameters (under its module path)
/// and the shape it passes on.
class net_spec_walk {
public:
    net_spec_walk(const net_spec_parser& p, std::vector<expected_tensor>& params) : p_(p), params_(params) {}

    [[noreturn]] void fail(const net_arg& a, const std::string& what) const { p_.fail(a.pos, what); }

    std::size_t count(const net_arg& a, const std::string& what) const {
        if (!a.name.empty() || a.number.empty()) fail(a, what + " must be a positive integer");
        char* end = nullptr;
        const unsigned long long v = std::strtoull(a.number.c_str(), &end, 10);
        while (*end && std::string_view("uUlL").find(*end) != std::string_view::npos) ++end;
        if (*end != '\0' || v == 0 || a.number[0] == '-' || a.number[0] == '+')
            fail(a, what + " must be a positive integer, not '" + a.number + "'");
        return std::size_t(v);
    }
    double real(const net_arg& a, const std::string& what) const {
        if (!a.name.empty()) fail(a, what + " takes a number, not '" + a.name + "'");
        char* end = nullptr;
        const double v = std::strtod(a.number.c_str(), &end);
        if (*end == 'f' || *end == 'F') ++end;
        if (*end != '\0') fail(a, what + " takes a number, not '" + a.number + "'");
        return v;
    }

    /// Layers in a chain (nn.Sequential): layer j's module path is `path` + "j".
    std::vector<std::size_t> chain(std::span<const net_arg> layers, const std::string& path, std::vector<std::size_t> shape) {
        for (std::size_t j = 0; j < layers.size(); ++j) shape = layer(layers[j], path + std::to_string(j), std::move(shape));
        return shape;
    }

    /// One layer at module `path` ("2", "1.body.0") taking `shape`; returns its output shape.
    std::vector<std::size_t> layer(const net_arg& l, const std::string& path, std::vector<std::size_t> shape) {
        const std::string where = "layer " + path + " ";
        if (l.name.empty()) fail(l, where + "is a number ('" + l.number + "'), expected a layer");
        auto no_args = [&] {
            if (!l.args.empty()) fail(l, where + l.name + " takes no template arguments");
        };
        auto at_most = [&](std::size_t n) {
            if (l.args.size() > n)
                fail(l.args[n], where + l.name + " takes at most " + std::to_string(n) + " template argument" +
                                    (n == 1 ? "" : "s"));
        };
        auto at_least_one = [&] {
            if (l.args.empty()) fail(l, where + l.name + " needs at least one layer");
        };
        const std::string pname = path + ".";
        if (l.name == "Dense") {
            if (l.args.empty()) fail(l, where + "Dense needs its number of output features: Dense<Out>");
            at_most(3);
            const std::size_t out = count(l.args[0], "Dense's number of output features");
            bool bias = true;
            if (l.args.size() > 1) {
                const auto& b = l.args[1];
                if (b.name == "false" || b.number == "0") bias = false;
                else if (!(b.name == "true" || b.number == "1")) fail(b, where + "Dense's second argument is Bias, true or false");
            }
            if (shape.size() != 1)
                fail(l, where + "Dense needs a flat input, it gets " + shape_text(shape) + ": put Flatten before it");
            if (l.args.size() > 2 && count(l.args[2], "Dense's expected input width") != shape[0])
                fail(l.args[2], where + "Dense expects " + l.args[2].number + " input features, it gets " +
                                    std::to_string(shape[0]));
            params_.push_back({pname + "weight", {out, shape[0]}});
            if (bias) params_.push_back({pname + "bias", {out}});
            return {out};
        }
        if (l.name == "GRU" || l.name == "LSTM") {  // nn.GRU / nn.LSTM: <i>.weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>
            if (l.args.empty()) fail(l, where + l.name + " needs its hidden size: " + l.name + "<Hidden>");
            at_most(3);
            const std::size_t h = count(l.args[0], l.name + "'s hidden size");
            const std::size_t stacked = l.args.size() > 1 ? count(l.args[1], l.name + "'s number of layers") : 1;
            if (stacked > 8) fail(l.args[1], where + l.name + " has 1 to 8 stacked layers");
            bool last = false;
            if (l.args.size() > 2) {
                const auto& r = l.args[2];
                last = r.name == "Returns::last";
                if (!last && r.name != "Returns::sequence")
                    fail(r, where + l.name + "'s third argument is Returns::sequence or Returns::last");
            }
            if (shape.size() != 1 && shape.size() != 2)
                fail(l, where + l.name + " takes a sequence [T, F] or one step [F], it gets " + shape_text(shape));
            const std::size_t g = (l.name == "GRU" ? 3 : 4) * h;
            for (std::size_t k = 0; k < stacked; ++k) {
                const std::string n = std::to_string(k);
                params_.push_back({pname + "weight_ih_l" + n, {g, k == 0 ? shape.back() : h}});
                params_.push_back({pname + "weight_hh_l" + n, {g, h}});
                params_.push_back({pname + "bias_ih_l" + n, {g}});
                params_.push_back({pname + "bias_hh_l" + n, {g}});
            }
            if (shape.size() == 1 || last) return {h};
            return {shape[0], h};
        }
        if (l.name == "PReLU") {
            no_args();
            params_.push_back({pname + "weight", {1}});
            return shape;
        }
        if (l.name == "Flatten") {
            no_args();
            std::size_t n = 1;
            for (std::size_t d : shape) n *= d;
            return {n};
        }
        if (l.name == "LeakyReLU" || l.name == "ELU") {
            at_most(1);
            if (!l.args.empty()) (void)real(l.args[0], where + l.name);
            return shape;
        }
        if (l.name == "Dropout") {
            if (l.args.size() != 1) fail(l, where + "Dropout needs its probability: Dropout<0.5>");
            const double v = real(l.args[0], where + "Dropout");
            if (!(v >= 0 && v < 1)) fail(l.args[0], where + "Dropout needs a probability in [0, 1)");
            return shape;
        }
        if (l.name == "Activation") return shape;  // a user's activation: no parameters; the compiler checks the rest
        if (l.name == "Residual") {  // y = x + f(x): f's parameters under "<i>.body."
            at_least_one();
            if (chain(l.args, pname + "body.", shape) != shape)
                fail(l, where + "Residual's layers must keep the shape of their input " + shape_text(shape));
            return shape;
        }
        if (l.name == "Conv1D") {  // nn.Conv1d: weight [Out, C/Groups, K], bias [Out]
            if (l.args.size() < 2) fail(l, where + "Conv1D needs its output channels and kernel: Conv1D<Out, K>");
            at_most(6);
            const std::size_t out = count(l.args[0], "Conv1D's output channels");
            const std::size_t k = count(l.args[1], "Conv1D's kernel size");
            const std::size_t stride = l.args.size() > 2 ? count(l.args[2], "Conv1D's stride") : 1;
            const std::size_t dil = l.args.size() > 3 ? count(l.args[3], "Conv1D's dilation") : 1;
            const std::size_t groups = l.args.size() > 4 ? count(l.args[4], "Conv1D's groups") : 1;
            std::size_t before = 0, after = 0;
            bool causal = false;
            if (l.args.size() > 5) {
                const net_arg& pad = l.args[5];
                const std::size_t span = (k - 1) * dil;
                if (pad.name == "Same") {
                    if (stride != 1) fail(pad, where + "Conv1D with Same padding needs stride 1");
                    before = span / 2;
                    after = span - span / 2;
                } else if (pad.name == "Causal") {
                    before = span;
                    causal = true;
                } else if (pad.name == "Pad") {
                    if (pad.args.size() != 1) fail(pad, where + "Pad takes one number: Pad<P>");
                    before = after = std::strtoull(pad.args[0].number.c_str(), nullptr, 10);
                } else if (pad.name != "Valid") {
                    fail(pad, where + "Conv1D's padding is Valid, Same, Causal or Pad<P>");
                }
            }
            if (shape.size() != 1 && shape.size() != 2)
                fail(l, where + "Conv1D takes a sequence [C, L] or one step [C], it gets " + shape_text(shape));
            const std::size_t c = shape[0];
            if (c % groups != 0 || out % groups != 0)
                fail(l, where + "Conv1D's channels (" + std::to_string(c) + " in, " + std::to_string(out) +
                            " out) must be divisible by its groups (" + std::to_string(groups) + ")");
            params_.push_back({pname + "weight", {out, c / groups, k}});
            params_.push_back({pname + "bias", {out}});
            if (shape.size() == 1) {
                if (!causal || stride != 1)
                    fail(l, where + "Conv1D on one step [C] streams: it needs Causal padding and stride 1");
                return {out};
            }
            const std::size_t padded = shape[1] + before + after, span = (k - 1) * dil + 1;
            if (padded < span)
                fail(l, where + "Conv1D's kernel spans " + std::to_string(span) + " steps, longer than its padded input (" +
                            std::to_string(padded) + ")");
            return {out, (padded - span) / stride + 1};
        }
        if (l.name == "Conv2D") {  // nn.Conv2d: weight [Out, C/Groups, KH, KW], bias [Out]
            if (l.args.size() < 2) fail(l, where + "Conv2D needs its output channels and kernel: Conv2D<Out, K>");
            at_most(7);
            const std::size_t out = count(l.args[0], "Conv2D's output channels");
            const std::size_t kh = count(l.args[1], "Conv2D's kernel height");
            const std::size_t kw = l.args.size() > 2 ? count(l.args[2], "Conv2D's kernel width") : kh;
            const std::size_t stride = l.args.size() > 3 ? count(l.args[3], "Conv2D's stride") : 1;
            const std::size_t dil = l.args.size() > 4 ? count(l.args[4], "Conv2D's dilation") : 1;
            const std::size_t groups = l.args.size() > 5 ? count(l.args[5], "Conv2D's groups") : 1;
            bool same = false;
            std::size_t pad_p = 0;
            if (l.args.size() > 6) {
                const net_arg& pad = l.args[6];
                if (pad.name == "Same") {
                    if (stride != 1) fail(pad, where + "Conv2D with Same padding needs stride 1");
                    same = true;
                } else if (pad.name == "Pad") {
                    if (pad.args.size() != 1) fail(pad, where + "Pad takes one number: Pad<P>");
                    pad_p = std::strtoull(pad.args[0].number.c_str(), nullptr, 10);
                } else if (pad.name != "Valid") {
                    fail(pad, where + "Conv2D's padding is Valid, Same or Pad<P>");
                }
            }
            if (shape.size() != 3) fail(l, where + "Conv2D takes an image [C, H, W], it gets " + shape_text(shape));
            const std::size_t c = shape[0];
            if (c % groups != 0 || out % groups != 0)
                fail(l, where + "Conv2D's channels (" + std::to_string(c) + " in, " + std::to_string(out) +
                            " out) must be divisible by its groups (" + std::to_string(groups) + ")");
            params_.push_back({pname + "weight", {out, c / groups, kh, kw}});
            params_.push_back({pname + "bias", {out}});
            std::vector<std::size_t> y{out, 0, 0};
            for (std::size_t axis = 0; axis < 2; ++axis) {
                const std::size_t k = axis == 0 ? kh : kw, span = (k - 1) * dil + 1;
                const std::size_t padded = shape[axis + 1] + (same ? span - 1 : 2 * pad_p);
                if (padded < span)
                    fail(l, where + "Conv2D's kernel spans " + std::to_string(span) + (axis == 0 ? " rows" : " columns") +
                                ", more than its padded input (" + std::to_string(padded) + ")");
                y[axis + 1] = (padded - span) / stride + 1;
            }
            return y;
        }
        if (l.name == "Slice") {  // the first axis' [Begin, End): no parameters
            if (l.args.size() != 2) fail(l, where + "Slice takes its first and end index: Slice<Begin, End>");
            const std::size_t b = std::strtoull(l.args[0].number.c_str(), nullptr, 10);
            const std::size_t e = count(l.args[1], "Slice's end");
            if (shape.empty() || b >= e || e > shape[0])
                fail(l, where + "Slice<" + std::to_string(b) + ", " + std::to_string(e) + "> does not fit the first axis of " +
                            shape_text(shape));
            std::vector<std::size_t> y = shape;
            y[0] = e - b;
            return y;
        }
        if (l.name == "PerStep") {  // the inner layer on each step, under the same module path
            if (l.args.size() != 1) fail(l, where + "PerStep takes one layer: PerStep<Dense<1>>");
            if (shape.size() < 2)
                fail(l, where + "PerStep needs a sequence [T, ...], it gets " + shape_text(shape));
            std::vector<std::size_t> y = layer(l.args[0], path, std::vector<std::size_t>(shape.begin() + 1, shape.end()));
            y.insert(y.begin(), shape[0]);
            return y;
        }
        if (l.name == "Add" || l.name == "Concat") {  // branch k under "<i>.branches.k"
            at_least_one();
            std::vector<std::vector<std::size_t>> outs;
            for (std::size_t k = 0; k < l.args.size(); ++k) {
                const net_arg& b = l.args[k];
                const std::string bpath = pname + "branches." + std::to_string(k);
                outs.push_back(b.name == "Sequential" ? chain(b.args, bpath + ".", shape) : layer(b, bpath, shape));
            }
            std::vector<std::size_t> y = outs[0];
            for (std::size_t k = 1; k < outs.size(); ++k) {
                const bool fits = l.name == "Add" ? outs[k] == y
                                                  : outs[k].size() == y.size() && !y.empty() &&
                                                        std::equal(y.begin() + 1, y.end(), outs[k].begin() + 1);
                if (!fits)
                    fail(l.args[k], where + l.name + "'s branch " + std::to_string(k) + " gives " + shape_text(outs[k]) +
                                        (l.name == "Add" ? ", branch 0 gives " : ", which does not join branch 0's ") +
                                        shape_text(y));
                if (l.name == "Concat") y[0] += outs[k][0];
            }
            return y;
        }
        if (l.name == "LayerNorm") {  // over the last N axes (1 by default)
            at_most(1);
            const std::size_t n = l.args.empty() ? 1 : count(l.args[0], "LayerNorm's number of axes");
            if (n > 4 || n > shape.size())
                fail(l, where + "LayerNorm<" + std::to_string(n) + "> needs at least that many axes (at most 4), it gets " +
                            shape_text(shape));
            const std::vector<std::size_t> last(shape.end() - std::ptrdiff_t(n), shape.end());
            params_.push_back({pname + "weight", last});
            params_.push_back({pname + "bias", last});
            return shape;
        }
        if (l.name == "BatchNorm1D" || l.name == "BatchNorm2D") {  // weight, bias and the buffers
            no_args();
            const bool two = l.name == "BatchNorm2D";
            if (two ? shape.size() != 3 : (shape.size() != 1 && shape.size() != 2))
                fail(l, where + l.name + " takes " + (two ? "[C, H, W]" : "[C] or [C, L]") + " samples, it gets " +
                            shape_text(shape));
            for (const char* n : {"weight", "bias", "running_mean", "running_var"}) params_.push_back({pname + n, {shape[0]}});
            params_.push_back({pname + "num_batches_tracked", {}});
            return shape;
        }
        if (l.name == "Embedding") {
            if (l.args.size() != 2) fail(l, where + "Embedding needs Embedding<Vocab, Dim>");
            const std::size_t vocab = count(l.args[0], "Embedding's vocabulary"), dim = count(l.args[1], "Embedding's width");
            if (shape.size() != 1) fail(l, where + "Embedding takes a flat sample of indices, it gets " + shape_text(shape));
            params_.push_back({pname + "weight", {vocab, dim}});
            return {shape[0], dim};
        }
        if (l.name == "MaxPool1D" || l.name == "AvgPool1D" || l.name == "MaxPool2D" || l.name == "AvgPool2D") {
            const bool two = l.name.ends_with("2D");
            const std::size_t axes = two ? 2 : 1;
            if (l.args.size() < axes) fail(l, where + l.name + " needs its kernel size");
            at_most(3 * axes);
            std::vector<std::size_t> k, st, pad;
            for (std::size_t i = 0; i < axes; ++i) k.push_back(count(l.args[i], l.name + "'s kernel size"));
            for (std::size_t i = 0; i < axes; ++i)
                st.push_back(l.args.size() > axes + i ? count(l.args[axes + i], l.name + "'s stride") : k[i]);
            for (std::size_t i = 0; i < axes; ++i) {
                const std::size_t j = 2 * axes + i;
                if (l.args.size() <= j) pad.push_back(0);
                else if (l.args[j].number == "0") pad.push_back(0);
                else pad.push_back(count(l.args[j], l.name + "'s padding"));
            }
            if (shape.size() != axes + 1)
                fail(l, where + l.name + " takes " + (two ? "[C, H, W]" : "[C, L]") + " samples, it gets " + shape_text(shape));
            std::vector<std::size_t> y{shape[0]};
            for (std::size_t i = 0; i < axes; ++i) {
                if (pad[i] > k[i] / 2) fail(l, where + l.name + "'s padding must be at most half its kernel");
                if (k[i] > shape[1 + i] + 2 * pad[i])
                    fail(l, where + l.name + "'s window is larger than its padded input " + shape_text(shape));
                y.push_back((shape[1 + i] + 2 * pad[i] - k[i]) / st[i] + 1);
            }
            return y;
        }
        if (l.name == "GlobalAvgPool") {
            no_args();
            if (shape.size() < 2) fail(l, where + "GlobalAvgPool takes [C, ...] samples of rank 2 or more, it gets " + shape_text(shape));
            return {shape[0]};
        }
        if (std::find(std::begin(net_spec_layers), std::end(net_spec_layers), l.name) != std::end(net_spec_layers)) {
            no_args();
            return shape;
        }
        std::string_view best;
        std::size_t dist = 3;  // suggest only close names
        std::string known;
        for (std::string_view k : net_spec_layers) {
            known += (known.empty() ? "" : ", ") + std::string(k);
            if (const std::size_t d = edit_distance(l.name, k); d < dist) {
                dist = d;
                best = k;
            }
        }
        fail(l, where + "is '" + l.name + "', which is no ctnn layer" +
                    (best.empty() ? "" : " (did you mean " + std::string(best) + "?)") + "; the layers are " + known);
    }

private:
    const net_spec_parser& p_;
    std::vector<expected_tensor>& params_;
};

}  // namespace detail

/// Reads the text of a network type (see the file comment): `Sequential<Input<...>, layers...>`
/// or `BasicSequential<float|double, Input<...>, layers...>`, with graphs
/// (`Residual<...>`, `Add<...>`, `Concat<...>` of layers or `Sequential<...>`
/// chains) named as `tools/ctnn_torch.py`'s modules. Throws `ctnn::error`
/// naming an unknown layer (with the closest known name) by its module
/// path, a wrong argument, or a shape a layer cannot take.
[[nodiscard]] inline net_spec parse_net_spec(std::string_view text) {
    detail::net_spec_parser p(text);
    const detail::net_arg top = p.top();
    net_spec s;
    std::size_t first = 0;
    if (top.name == "Sequential") {
    } else if (top.name == "BasicSequential") {
        if (top.args.empty() || (top.args[0].name != "float" && top.args[0].name != "double"))
            p.fail(top.pos, "BasicSequential's first argument is the value type, float or double");
        s.value_type = top.args[0].name;
        first = 1;
    } else {
        p.fail(top.pos, "a network is Sequential<Input<...>, layers...> or BasicSequential<float|double, Input<...>, "
                        "layers...>, not '" + top.name + "'");
    }
    if (top.args.size() <= first || top.args[first].name != "Input")
        p.fail(top.pos, "a network starts with Input<...>, the shape of one sample");
    detail::net_spec_walk walk(p, s.params);
    const detail::net_arg& in = top.args[first];
    if (in.args.empty()) p.fail(in.pos, "Input needs one or more extents");
    for (const auto& d : in.args) s.input.push_back(walk.count(d, "an extent of Input"));
    walk.chain(std::span(top.args).subspan(first + 1), "", s.input);
    for (std::size_t j = first + 1; j < top.args.size(); ++j) s.layers.push_back(top.args[j].name);
    return s;
}

}  // namespace ctnn::io
