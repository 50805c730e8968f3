#pragma once
/// \file random.hpp
/// Seeded, portable random numbers: the same seed gives the same bits on
/// every platform and compiler (the standard distributions do not promise
/// that). xoshiro256** seeded through splitmix64.

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace ctnn {

/// xoshiro256** (Blackman & Vigna): 256 bits of state, period 2^256 - 1.
class Rng {
public:
    using result_type = std::uint64_t;

    constexpr explicit Rng(std::uint64_t seed = 0) noexcept { reseed(seed); }

    /// Restarts the sequence of `seed` (each state word from splitmix64).
    constexpr void reseed(std::uint64_t seed) noexcept {
        for (auto& s : state_) {
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            s = z ^ (z >> 31);
        }
    }

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return ~result_type{0}; }

    constexpr result_type operator()() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    /// Uniform in [0, 1), with 53 random bits.
    constexpr double uniform() noexcept { return double((*this)() >> 11) * 0x1.0p-53; }
    /// Uniform in [lo, hi).
    constexpr double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
    /// Standard normal (Box-Muller; one value per call, the pair's second is dropped
    /// so that the sequence depends only on the number of calls).
    double normal() noexcept {
        double u1 = uniform();
        while (u1 <= 0) u1 = uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    /// Uniform integer in [0, n), n > 0 (rejection of the short last block: unbiased).
    constexpr std::uint64_t below(std::uint64_t n) noexcept {
        const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
        for (;;) {
            const std::uint64_t r = (*this)();
            if (r >= threshold) return r % n;
        }
    }

    /// The whole state, for checkpoints.
    constexpr const std::array<std::uint64_t, 4>& state() const noexcept { return state_; }
    constexpr void set_state(const std::array<std::uint64_t, 4>& s) noexcept { state_ = s; }

    friend constexpr bool operator==(const Rng&, const Rng&) = default;

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::array<std::uint64_t, 4> state_{};
};

}  // namespace ctnn
