#pragma once
/// \file padding.hpp
/// How a convolution pads one spatial axis with zeros, as a type given to the
/// layer (`Conv1D<8, 5, 1, 1, 1, Causal>`; a 2-D convolution applies the rule
/// to each axis). Each rule gives the zeros before and after the input for a
/// kernel of `K` taps `D` apart (its span is `(K-1)·D + 1`) and stride `S`:
///
/// | rule | before | after | PyTorch |
/// |---|---|---|---|
/// | `Valid` | 0 | 0 | `padding=0` (the default) |
/// | `Same` | total/2 | total - total/2, total = (K-1)·D | `padding='same'` (stride 1 only) |
/// | `Causal` | (K-1)·D | 0 | `F.pad(x, ((K-1)·D, 0))` then `padding=0` |
/// | `Pad<P>` | P | P | `padding=P` |
///
/// `Causal` is the rule of streaming convolutions: output t sees inputs up
/// to t only, so the left zeros are the past a stream starts from.

#include <concepts>
#include <cstddef>
#include <string>

namespace ctnn {

/// No padding: the output is shorter than the input by the kernel's span - 1.
struct Valid {
    static std::string name() { return "Valid"; }
    template <std::size_t K, std::size_t D>
    static constexpr std::size_t before = 0;
    template <std::size_t K, std::size_t D>
    static constexpr std::size_t after = 0;
    static constexpr bool needs_unit_stride = false;
};

/// The output has the input's length (stride 1), PyTorch's split of an odd total: one more zero after.
struct Same {
    static std::string name() { return "Same"; }
    template <std::size_t K, std::size_t D>
    static constexpr std::size_t before = (K - 1) * D / 2;
    template <std::size_t K, std::size_t D>
    static constexpr std::size_t after = (K - 1) * D - (K - 1) * D / 2;
    static constexpr bool needs_unit_stride = true;
};

/// All zeros before the input: output t depends on inputs 0..t only.
struct Causal {
    static std::string name() { return "Causal"; }
    template <std::size_t K, std::size_t D>
    static constexpr std::size_t before = (K - 1) * D;
    template <std::size_t K, std::size_t D>
    static constexpr std::size_t after = 0;
    static constexpr bool needs_unit_stride = false;
};

/// `P` zeros on each side (nn.Conv1d's `padding=P`).
template <std::size_t P>
struct Pad {
    static std::string name() { return "Pad<" + std::to_string(P) + ">"; }
    template <std::size_t K, std::size_t D>
    static constexpr std::size_t before = P;
    template <std::size_t K, std::size_t D>
    static constexpr std::size_t after = P;
    static constexpr bool needs_unit_stride = false;
};

/// A padding rule: zeros before and after for any kernel, and whether it needs stride 1.
template <class R>
concept PaddingRule = requires {
    { R::template before<3, 2> } -> std::convertible_to<std::size_t>;
    { R::template after<3, 2> } -> std::convertible_to<std::size_t>;
    { R::needs_unit_stride } -> std::convertible_to<bool>;
    { R::name() } -> std::convertible_to<std::string>;
};

namespace layers {

/// One padded axis: `N` inputs, kernel `K` taps `D` apart, stride `S`, rule `R`.
template <std::size_t N, std::size_t K, std::size_t S, std::size_t D, class R>
struct padded_axis {
    static constexpr std::size_t span = (K - 1) * D + 1;
    static constexpr std::size_t before = R::template before<K, D>;
    static constexpr std::size_t after = R::template after<K, D>;
    static constexpr std::size_t padded = before + N + after;
    /// The kernel fits in the padded input.
    static constexpr bool fits = padded >= span;
    /// PyTorch's output length ⌊(N + before + after - span) / S⌋ + 1.
    static constexpr std::size_t out = fits ? (padded - span) / S + 1 : 0;
    /// The rule is causal for this kernel: a stream can run it one step at a time.
    static constexpr bool causal = before == span - 1 && after == 0;
};

}  // namespace layers
}  // namespace ctnn
