#pragma once
/// \file epilogue.hpp
/// Epilogues: what a GEMM/GEMV does to a finished tile while it is still in
/// registers, before it is stored. An epilogue is any callable
/// `P operator()(P v, std::size_t row, std::size_t col) const` that works for
/// every pack type `P` (xsimd batches of any width, and plain scalars); `v`
/// holds the outputs `(row, col) .. (row, col + width - 1)`.

#include <cstddef>

#include "arch.hpp"

namespace ctnn::simd::epilogue {

/// Stores the tile as it is.
struct none {
    template <class P>
    CTNN_INLINE constexpr P operator()(P v, std::size_t, std::size_t) const noexcept {
        return v;
    }
};

/// Adds a bias indexed by column: `v + b[col]`.
template <class T>
struct bias {
    const T* b;
    template <class P>
    CTNN_INLINE constexpr P operator()(P v, std::size_t, std::size_t col) const noexcept {
        return v + load_like(v, b + col);
    }
};

/// Adds a bias, then applies `f` element-wise: `f(v + b[col])` (Dense + activation).
template <class T, class F>
struct bias_then {
    const T* b;
    F f;
    template <class P>
    CTNN_INLINE constexpr P operator()(P v, std::size_t, std::size_t col) const noexcept {
        return f(v + load_like(v, b + col));
    }
};
template <class T, class F>
bias_then(const T*, F) -> bias_then<T, F>;

/// Adds what the destination already holds: `v + dst[row * ld + col]`, so a
/// kernel accumulates into its output (`dst` is the kernel's output, `ld`
/// its row length).
template <class T>
struct accumulate {
    const T* dst;
    std::size_t ld;
    template <class P>
    CTNN_INLINE constexpr P operator()(P v, std::size_t row, std::size_t col) const noexcept {
        return v + load_like(v, dst + row * ld + col);
    }
};

/// Applies `f` element-wise: `f(v)`.
template <class F>
struct apply {
    F f;
    template <class P>
    CTNN_INLINE constexpr P operator()(P v, std::size_t, std::size_t) const noexcept {
        return f(v);
    }
};
template <class F>
apply(F) -> apply<F>;

}  // namespace ctnn::simd::epilogue
