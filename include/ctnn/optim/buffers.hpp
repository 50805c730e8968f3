#pragma once
/// \file buffers.hpp
/// Where a network's buffers are (`param_role::buffer`: BatchNorm's running
/// statistics), known at compile time from its parameter table, for the
/// optimizers (which copy a buffer's new value from its gradient slot instead
/// of stepping) and for clipping (which leaves buffers out of the norm).
/// A network without buffers has empty lists: its code is what it was.

#include <array>
#include <cstddef>
#include <utility>

#include "../core/config.hpp"
#include "../layers/layer_concepts.hpp"
#include "../net/network.hpp"

namespace ctnn::optim {

/// A range [begin, end) of the flat parameter buffer.
struct span_range {
    std::size_t begin = 0, end = 0;
};

/// The buffers of `P` (none unless `P` is a network that has some), and the
/// runs of consecutive trained tensors between them.
template <class P>
struct buffer_layout {
    static constexpr std::size_t buffer_count = 0;
    static constexpr std::array<span_range, 0> buffers{};
};

template <Network P>
struct buffer_layout<P> {
    static constexpr std::size_t buffer_count = [] {
        std::size_t n = 0;
        for (const param_info& p : P::param_table) n += p.role == param_role::buffer;
        return n;
    }();
    static constexpr std::array<span_range, buffer_count> buffers = [] {
        std::array<span_range, buffer_count> r{};
        std::size_t k = 0;
        for (const param_info& p : P::param_table)
            if (p.role == param_role::buffer) r[k++] = {p.offset, p.offset + p.size()};
        return r;
    }();
    /// Runs of trained tensors (table order is buffer order): each starts at a
    /// tensor's (aligned) offset and ends after the last tensor of the run.
    static constexpr std::size_t run_count = [] {
        std::size_t n = 0;
        bool in_run = false;
        for (const param_info& p : P::param_table) {
            const bool trained = p.role != param_role::buffer;
            if (trained && !in_run) ++n;
            in_run = trained;
        }
        return n;
    }();
    static constexpr std::array<span_range, run_count> runs = [] {
        std::array<span_range, run_count> r{};
        std::size_t k = 0;
        bool in_run = false;
        for (const param_info& p : P::param_table) {
            const bool trained = p.role != param_role::buffer;
            if (trained && !in_run) r[k++] = {p.offset, p.offset};
            if (trained) r[k - 1].end = p.offset + p.size();
            in_run = trained;
        }
        return r;
    }();
};

/// Whether `P` has buffers.
template <class P>
inline constexpr bool has_buffers = buffer_layout<P>::buffer_count > 0;

/// After a step: each buffer takes the new value backward left in its slot.
template <class P, class T>
CTNN_INLINE void copy_buffers(T* p, const T* g) noexcept {
    for (const span_range& r : buffer_layout<P>::buffers)
        for (std::size_t i = r.begin; i < r.end; ++i) p[i] = g[i];
}

}  // namespace ctnn::optim
