#pragma once
/// \file prefetch.hpp
/// Software prefetch of a block of memory into the cache, for gathers of
/// rows the hardware prefetcher cannot predict (a shuffled batch's samples:
/// measured 14 -> 10 µs for 64 random rows of 784 floats).

#include <cstddef>

#include "../core/config.hpp"

namespace ctnn::simd {

/// Asks for the cache lines of `[p, p + bytes)` to be brought in for reading.
CTNN_INLINE void prefetch(const void* p, std::size_t bytes) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    const char* c = static_cast<const char*>(p);
    for (std::size_t off = 0; off < bytes; off += 64) __builtin_prefetch(c + off, 0, 3);
#else
    (void)p;
    (void)bytes;
#endif
}

}  // namespace ctnn::simd
