#pragma once
// The unit-test binary replaces the global allocation functions with
// counting ones (tests/unit/net/no_alloc.cpp); any test file can ask how
// many allocations a piece of code made.
#include <cstddef>

namespace ctnn_test {
/// Allocations made by the whole process so far.
std::size_t allocation_count() noexcept;

/// Allocations made while `f()` runs.
template <class F>
std::size_t allocations_during(F&& f) {
    const std::size_t before = allocation_count();
    f();
    return allocation_count() - before;
}
}  // namespace ctnn_test
