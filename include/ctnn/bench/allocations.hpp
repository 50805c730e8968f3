#pragma once
/// \file allocations.hpp
/// The kit's allocation count: a replaceable hook. The kit reports the heap
/// allocations a timed loop made (the `allocs` counter; more than zero on a
/// hot path fails the case) when a counter is installed here, and says
/// "not counted" otherwise. `count_allocations.hpp`, included in exactly one
/// translation unit of a benchmark program, replaces the global
/// `operator new` with a counting one and installs it; a program with its
/// own allocator sets `allocation_counter` to its own function instead.

#include <cstddef>

namespace ctnn::bench {

/// Returns the allocations the process has made so far; null: not counted.
inline std::size_t (*allocation_counter)() noexcept = nullptr;

/// Whether allocations are counted.
[[nodiscard]] inline bool counting_allocations() noexcept { return allocation_counter != nullptr; }

/// Allocations so far (0 when not counted).
[[nodiscard]] inline std::size_t allocations_so_far() noexcept {
    return allocation_counter ? allocation_counter() : 0;
}

}  // namespace ctnn::bench
