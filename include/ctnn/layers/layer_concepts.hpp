#pragma once
/// \file layer_concepts.hpp
/// What a layer is. A user writes layer *specs* (`Dense<128>`, `ReLU`, ...);
/// `Sequential` binds each spec to the shape that reaches it, which gives a
/// *bound layer*: a type with static shapes, a parameter layout and the
/// forward and backward passes for a batch of `B` rows:
///
/// ```cpp
/// using in_shape = Shape<...>; using out_shape = Shape<...>;   // per sample
/// static constexpr std::size_t param_count;    // parameters (PyTorch's count)
/// static constexpr std::size_t param_storage;  // their storage, each tensor 64-byte aligned
/// static constexpr std::size_t extra_size;     // per-sample values kept for backward
/// static constexpr std::array<param_info, K> params;  // names and shapes, PyTorch order
/// static constexpr std::size_t flops_forward, flops_backward;  // per sample
/// template <std::size_t B, bool Train, class T>
/// static void forward(const T* p, const T* x, T* y, T* extra, Rng& rng) noexcept;
/// template <std::size_t B, class T>
/// static void backward(const T* p, const T* x, const T* y, const T* extra,
///                      T* dy, T* dx, T* dp) noexcept;   // dy may be overwritten; dx may be null
/// ```
/// Parameters and gradients live in the network's flat buffers; `p` and `dp`
/// point at the layer's part. `backward` overwrites `dp`.

#include <array>
#include <cstddef>
#include <string_view>

#include "../core/random.hpp"
#include "../core/shape.hpp"

namespace ctnn {

/// One parameter tensor of a layer: its name in PyTorch's state_dict
/// (after the layer index), its offset in the layer's storage and its shape.
struct param_info {
    std::string_view name;
    std::size_t offset;
    std::size_t rank;
    std::array<std::size_t, 4> dims;
    constexpr std::size_t size() const noexcept {
        std::size_t s = 1;
        for (std::size_t i = 0; i < rank; ++i) s *= dims[i];
        return s;
    }
};

namespace layers {

/// Elements rounded up to a whole 64-byte line of `T`.
template <class T>
constexpr std::size_t aligned_size(std::size_t n) noexcept {
    constexpr std::size_t line = 64 / sizeof(T);
    return (n + line - 1) / line * line;
}

/// How a spec binds to an input shape: specialised by each layer's header.
/// `type<T, In>` is the bound layer.
template <class Spec>
struct binding;

}  // namespace layers

/// A bound layer.
template <class L>
concept Layer = requires {
    typename L::in_shape;
    typename L::out_shape;
    L::param_count;
    L::param_storage;
    L::extra_size;
};

/// A layer spec `Sequential` can bind.
template <class S>
concept LayerSpec = requires { sizeof(layers::binding<S>); };

}  // namespace ctnn
