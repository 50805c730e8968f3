#pragma once
/// \file embed.hpp
/// Models baked into the binary: a network whose parameters are `constexpr`
/// data, bound to its type by the compiler. `ctnn-embed` (tools/) writes a
/// header of this form from a safetensors file:
///
/// ```cpp
/// #include <ctnn/io/embed.hpp>
/// namespace model {
/// using net_type = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<2>>;
/// alignas(64) inline constexpr float t0[32] = {...};          // 0.weight [8, 4]
/// alignas(64) inline constexpr float t1[8] = {...};           // 0.bias [8]
/// ...
/// inline constexpr ctnn::embed::tensor<float> tensors[] = {
///     {"0.weight", {8, 4}, t0}, {"0.bias", {8}, t1}, ...};
/// CTNN_EMBED_CHECK(net_type, "0.weight", 8, 4);               // one line a tensor
/// ...
/// inline constexpr net_type net = ctnn::embed::bind<net_type, tensors>();
/// }  // namespace model
/// ```
///
/// The tool does not know the network's layout; the compiler checks the file
/// against the type: a tensor that is no parameter of the network, a tensor
/// of the wrong shape (both named in the message, by CTNN_EMBED_CHECK) and a
/// parameter the file lacks (named by `missing_tensor<unit, kind>` in the
/// note, by `bind`) are compile errors starting with `ctnn:`. `net` is then a
/// constant: in read-only data, no file I/O, no start-up cost;
/// `model::net.forward(x)` runs the usual SIMD kernels at run time, and for a
/// small model also works inside a `static_assert`.
///
/// Compile cost (measured, -O2, one translation unit): a 784-128-10 model
/// (101,770 parameters, a 1.5 MB header) adds about 1 s and 100 MB to g++ 12
/// (2.1 s, 316 MB in all) and 0.6 s, 40 MB to clang 14 (1.7 s, 209 MB); a
/// 784-512-512-10 one (670k parameters, 9.8 MB) takes 8 s, 780 MB with g++
/// and 5.5 s, 460 MB with clang. Binding copies each value once in constant
/// evaluation, about 1.3 of clang's steps a value: its default limit
/// (-fconstexpr-steps=1048576) stops near 750k parameters (raise it for
/// more). g++ has no such limit here (the copy runs in blocks under its loop
/// limit).

#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../net/network.hpp"
#include "../net/sequential.hpp"

namespace ctnn::embed {

/// One tensor of an embedded model: its name as in the state_dict
/// (`"0.weight"`), its shape (rank 0 to 4) and its elements in row-major
/// order, in static storage.
template <class T>
struct tensor {
    std::string_view name;
    std::size_t rank = 0;
    std::array<std::size_t, 4> dims{};
    std::span<const T> data;

    constexpr tensor(std::string_view n, std::initializer_list<std::size_t> shape, std::span<const T> d) noexcept
        : name(n), rank(shape.size() > 4 ? 5 : shape.size()), data(d) {
        std::size_t i = 0;
        for (std::size_t e : shape)
            if (i < 4) dims[i++] = e;
    }
    /// Elements the shape holds.
    constexpr std::size_t size() const noexcept {
        std::size_t s = 1;
        for (std::size_t i = 0; i < rank && i < 4; ++i) s *= dims[i];
        return s;
    }
};

/// Tags naming the kind of a missing parameter in the compile error.
struct weight {};
struct bias {};
template <std::size_t K>
struct parameter {};

namespace detail {

/// One parameter tensor of a network: its description from the network's
/// parameter table (full name, shape, offset in the flat buffer), the index
/// of the top-level module it belongs to (the name's first part) and its
/// position in the table.
struct param_entry {
    std::size_t unit;
    param_info info;
    std::size_t offset;
    std::size_t local;
};

template <class Net>
inline constexpr std::size_t param_tensor_count = Net::param_table.size();

/// The network's parameter tensors in PyTorch's order.
template <class Net>
inline constexpr auto param_table = [] {
    std::array<param_entry, param_tensor_count<Net>> table{};
    for (std::size_t n = 0; n < table.size(); ++n) {
        const param_info& info = Net::param_table[n];
        std::size_t unit = 0;
        for (std::size_t i = 0; i < info.name.size() && info.name[i] >= '0' && info.name[i] <= '9'; ++i)
            unit = unit * 10 + std::size_t(info.name[i] - '0');
        table[n] = {unit, info, info.offset, n};
    }
    return table;
}();

/// `name` is the entry's full name (`"0.weight"`, `"1.body.0.bias"`).
constexpr bool names(std::string_view name, const param_entry& e) noexcept { return name == e.info.name; }

/// Index of the network's parameter called `name`, or the table's size.
template <class Net>
constexpr std::size_t find(std::string_view name) noexcept {
    const auto& table = param_table<Net>;
    for (std::size_t i = 0; i < table.size(); ++i)
        if (names(name, table[i])) return i;
    return table.size();
}

/// The last part of a parameter's name ("weight" of "1.body.0.weight").
constexpr std::string_view leaf_name(std::string_view name) noexcept {
    const std::size_t dot = name.rfind('.');
    return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

template <class Net>
constexpr bool shape_equal(const param_entry& e, std::size_t rank, const std::array<std::size_t, 4>& dims) noexcept {
    if (rank != e.info.rank) return false;
    for (std::size_t d = 0; d < rank; ++d)
        if (dims[d] != e.info.dims[d]) return false;
    return true;
}

/// Index of the first parameter of the network that no tensor provides
/// (with the right shape and all its elements), or the table's size.
template <class Net, class T, std::size_t N>
constexpr std::size_t first_missing(const tensor<T> (&ts)[N]) noexcept {
    const auto& table = param_table<Net>;
    for (std::size_t p = 0; p < table.size(); ++p) {
        bool found = false;
        for (const tensor<T>& t : ts)
            if (names(t.name, table[p])) found = true;
        if (!found) return p;
    }
    return table.size();
}

template <class Net, std::size_t P>
struct kind_of {
    static constexpr param_entry e = param_table<Net>[P];
    using type = std::conditional_t<leaf_name(e.info.name) == "weight", weight,
                                    std::conditional_t<leaf_name(e.info.name) == "bias", bias, parameter<e.local>>>;
};

/// Instantiated with the first parameter the embedded model lacks: the
/// compile error's note shows it, e.g. `missing_tensor<2, ctnn::embed::bias>`
/// for "2.bias".
template <std::size_t Unit, class Kind>
struct missing_tensor {
    static constexpr bool none = false;
};
template <>
struct missing_tensor<std::size_t(-1), void> {
    static constexpr bool none = true;
};

template <class Net, std::size_t P, bool Missing = (P < param_tensor_count<Net>)>
struct missing_of {
    using type = missing_tensor<param_table<Net>[P].unit, typename kind_of<Net, P>::type>;
};
template <class Net, std::size_t P>
struct missing_of<Net, P, false> {
    using type = missing_tensor<std::size_t(-1), void>;
};

template <class Net, class T, std::size_t N>
constexpr std::size_t duplicates(const tensor<T> (&ts)[N]) noexcept {
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = i + 1; j < N; ++j)
            if (ts[i].name == ts[j].name) return i;
    return N;
}

/// Every tensor holds as many elements as its shape says.
template <class T, std::size_t N>
constexpr bool sizes_consistent(const tensor<T> (&ts)[N]) noexcept {
    for (const tensor<T>& t : ts)
        if (t.rank > 4 || t.data.size() != t.size()) return false;
    return true;
}

}  // namespace detail

/// The network has a parameter called `name` (`"0.weight"`).
template <Network Net>
constexpr bool is_parameter(std::string_view name) noexcept {
    return detail::find<Net>(name) < detail::param_table<Net>.size();
}

/// If the network has a parameter called `name`, it has this shape (a
/// name that is no parameter passes: `is_parameter` reports it).
template <Network Net>
constexpr bool shape_fits(std::string_view name, std::initializer_list<std::size_t> shape) noexcept {
    const std::size_t p = detail::find<Net>(name);
    if (p == detail::param_table<Net>.size()) return true;
    std::array<std::size_t, 4> dims{};
    std::size_t r = 0;
    for (std::size_t e : shape) {
        if (r == 4) return false;
        dims[r++] = e;
    }
    return detail::shape_equal<Net>(detail::param_table<Net>[p], r, dims);
}

/// The network's parameters, filled from `ts` by name: every tensor whose
/// name is a parameter of the same shape is copied in (others are skipped;
/// the checks report them), the rest of the buffer stays zero. Constexpr:
/// evaluated by the compiler, the result is a constant.
template <Network Net, class T, std::size_t N>
constexpr Net bind(const tensor<T> (&ts)[N]) noexcept {
    static_assert(std::is_same_v<T, typename Net::value_type>,
                  "ctnn: the embedded tensors must have the network's element type");
    Net net;
    if constexpr (std::is_same_v<T, typename Net::value_type>) {
        T* base = net.params();
        for (const tensor<T>& t : ts) {
            const std::size_t p = detail::find<Net>(t.name);
            if (p == detail::param_table<Net>.size()) continue;
            const detail::param_entry& e = detail::param_table<Net>[p];
            if (!detail::shape_equal<Net>(e, t.rank, t.dims) || t.data.size() != e.info.size()) continue;
            // Raw pointers (a checked span index costs clang's evaluator
            // steps), in blocks (g++ limits the iterations of one loop).
            T* out = base + e.offset;
            const T* in = t.data.data();
            for (std::size_t left = t.data.size(); left > 0;) {
                const std::size_t n = left < 65536 ? left : 65536;
                for (T* const end = out + n; out != end;) *out++ = *in++;
                left -= n;
            }
        }
    }
    return net;
}

/// `bind(Tensors)`, after checking at compile time that `Tensors` provides
/// every parameter of the network once (the first one missing is named in
/// the error's note as `missing_tensor<unit, kind>`).
template <Network Net, const auto& Tensors>
constexpr Net bind() noexcept {
    using missing = typename detail::missing_of<Net, detail::first_missing<Net>(Tensors)>::type;
    static_assert(missing::none, "ctnn: the embedded model lacks a parameter tensor of the network");
    static_assert(detail::duplicates<Net>(Tensors) == std::size(Tensors),
                  "ctnn: the embedded model has two tensors of the same name");
    static_assert(detail::sizes_consistent(Tensors),
                  "ctnn: an embedded tensor's data does not hold as many elements as its shape says");
    return bind<Net>(Tensors);
}

}  // namespace ctnn::embed

/// Checks one embedded tensor against the network type, naming it in the
/// message: `CTNN_EMBED_CHECK(net_type, "0.weight", 8, 4);` (name a string
/// literal, then the shape).
#define CTNN_EMBED_CHECK(Net, name, ...)                                                          \
    static_assert(::ctnn::embed::is_parameter<Net>(name),                                         \
                  "ctnn: embedded tensor " name " is not a parameter of the network");            \
    static_assert(::ctnn::embed::shape_fits<Net>(name, {__VA_ARGS__}),                            \
                  "ctnn: embedded tensor " name " has the wrong shape for the network")
