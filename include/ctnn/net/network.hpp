#pragma once
/// \file network.hpp
/// `Network`: what `train/`, `io/`, `optim/` and `init` may use of a network
/// type, so that every structure (chains, residual blocks, branches, any
/// layer that follows the protocol) trains, saves, loads, embeds and
/// initialises with no change there.

#include <concepts>
#include <cstddef>
#include <string>

#include "../layers/layer_concepts.hpp"

namespace ctnn {

/// A network type `N`:
///  - `value_type` (float or double), `in_shape`, `out_shape` per sample;
///  - `param_count`, `param_storage` (elements of the flat buffer) and
///    `param_table` (every tensor's full PyTorch name, offset, shape, role and
///    initialisation, in state_dict order);
///  - `params()` (the flat buffer) and `for_each_param(f)`;
///  - `gradients` (the buffer's layout) and `workspace<B>` for batches, with
///    `forward<Train>(X, ws)` and `backward(X, ws, g)`.
template <class N>
concept Network = requires {
    typename N::value_type;
    typename N::in_shape;
    typename N::out_shape;
    typename N::gradients;
    typename N::template workspace<1>;
    { N::param_count } -> std::convertible_to<std::size_t>;
    { N::param_storage } -> std::convertible_to<std::size_t>;
    { N::param_table.size() } -> std::convertible_to<std::size_t>;
    { N::param_table[0] } -> std::convertible_to<param_info>;
} && requires(N& n, const N& cn) {
    { n.params() } -> std::same_as<typename N::value_type*>;
    { cn.params() } -> std::same_as<const typename N::value_type*>;
    n.for_each_param([](const std::string&, const param_info&, typename N::value_type*) {});
};

}  // namespace ctnn
