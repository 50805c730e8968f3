#pragma once
/// \file config.hpp
/// Version and the function attributes ctnn puts on its hot paths.

#define CTNN_VERSION_MAJOR 0
#define CTNN_VERSION_MINOR 1
#define CTNN_VERSION_PATCH 0

/// Always inline: the kernels rely on the compiler seeing through them.
#if defined(__GNUC__) || defined(__clang__)
#define CTNN_INLINE inline __attribute__((always_inline))
#else
#define CTNN_INLINE inline
#endif

/// Marks a function that is real-time safe: it never allocates, never throws
/// and never blocks. Maps to clang's `[[clang::nonallocating]]` where the
/// compiler has it (clang 20+), to nothing otherwise; the allocation tests
/// prove the property on every compiler.
#if defined(__clang__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::nonallocating)
#define CTNN_REALTIME [[clang::nonallocating]]
#endif
#endif
#ifndef CTNN_REALTIME
#define CTNN_REALTIME
#endif

/// Always inline, for lambdas (the attribute goes after the parameter list).
#if defined(__GNUC__) || defined(__clang__)
#define CTNN_INLINE_LAMBDA __attribute__((always_inline))
#else
#define CTNN_INLINE_LAMBDA
#endif
