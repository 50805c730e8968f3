#pragma once
/// \file count_allocations.hpp
/// Include in exactly ONE translation unit of a benchmark program (it
/// defines the global allocation functions): every `operator new` then
/// counts, and the kit's hook (`allocations.hpp`) reads the count, so each
/// case reports the allocations of its timed loop. `ctnn-bench`'s generated
/// program includes it.

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include "allocations.hpp"

namespace ctnn::bench::alloc_detail {
inline std::atomic<std::size_t> count{0};
inline std::size_t read() noexcept { return count.load(std::memory_order_relaxed); }
inline void* counted(std::size_t n, std::size_t align) noexcept {
    count.fetch_add(1, std::memory_order_relaxed);
    if (align <= alignof(std::max_align_t)) return std::malloc(n ? n : 1);
    return std::aligned_alloc(align, (n + align - 1) / align * align);
}
/// Installs the hook before main.
inline const bool installed = [] {
    allocation_counter = &read;
    return true;
}();
}  // namespace ctnn::bench::alloc_detail

// GCC pairs the malloc inside `operator new` with the free inside `operator
// delete` once both are inlined and calls it a mismatch: they are the pair here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
    if (void* p = ctnn::bench::alloc_detail::counted(n, 0)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
    if (void* p = ctnn::bench::alloc_detail::counted(n, std::size_t(a))) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return ::operator new(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return ctnn::bench::alloc_detail::counted(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return ctnn::bench::alloc_detail::counted(n, 0); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return ctnn::bench::alloc_detail::counted(n, std::size_t(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return ctnn::bench::alloc_detail::counted(n, std::size_t(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
