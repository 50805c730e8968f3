#pragma once
// Shared by the expression and gradient tests: a tensor filled with uniform
// random values from a fixed seed.
#include <random>

namespace ctnn_test {

/// Every element of `x` drawn from U(lo, hi), seeded: the same values each run.
template <class X>
void fill_random(X& x, unsigned seed, double lo = -1, double hi = 1) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> d(lo, hi);
    for (auto& v : x) v = typename X::value_type(d(g));
}

}  // namespace ctnn_test
