// PyTorch parity of LayerNorm, BatchNorm1D/2D, Embedding and the pooling
// layers (tests/fixtures/make_norm_pool_fixtures.py), in float and double:
// the training-mode output (batch statistics) and the eval-mode output
// (running statistics), the loss, every parameter gradient, the input
// gradient, and the whole state_dict (running statistics and
// num_batches_tracked too) after 20 Adam steps in training mode. The file's
// num_batches_tracked is I64, as PyTorch writes it.
// Error measure and tolerances as ../parity_checks.hpp (float 1e-5, Adam
// 1e-4; double 1e-10). Set CTNN_PARITY_REPORT=1 to print the errors.
//
// Measured (g++ 12 and clang++ 14, -O1 -march=native, AVX-512), the largest
// relative L2 error of a tensor over the eleven fixtures:
//   float   forward 2.2e-7, eval 1.5e-7, gradients 1.8e-6 (Embedding's
//           scattered sums; the others ≤ 6.3e-7), after 20 Adam steps 5.2e-7
//   double  forward 5.0e-16, eval 4.0e-16, gradients 2.7e-15, after 20 Adam steps 8.8e-16
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/step.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;

namespace {

/// Every fixture here has a batch of 5 (and, for the norms, an eval-mode output).
template <template <class> class NetOf>
void check_fixture(const std::string& fixture) {
    parity_checks::check_fixture<NetOf, 5>(fixture);
}

template <class T>
using LayerNormFlat = BasicSequential<T, Input<7>, Dense<13>, LayerNorm<>, Tanh, Dense<3>>;
template <class T>
using LayerNormSeq = BasicSequential<T, Input<3, 37>, LayerNorm<>, Flatten, Dense<4>>;
template <class T>
using LayerNorm2 = BasicSequential<T, Input<3, 37>, LayerNorm<2>, Flatten, Dense<4>>;
template <class T>
using BatchNormFlat = BasicSequential<T, Input<7>, Dense<13, false>, BatchNorm1D, ReLU, Dense<3>>;
template <class T>
using BatchNormSeq = BasicSequential<T, Input<3, 37>, BatchNorm1D, Tanh, Flatten, Dense<4>>;
template <class T>
using BatchNorm2 = BasicSequential<T, Input<3, 9, 11>, BatchNorm2D, ReLU, Flatten, Dense<4>>;
template <class T>
using Pool1 = BasicSequential<T, Input<3, 37>, MaxPool1D<3, 2, 1>, AvgPool1D<4, 3, 2>, Flatten, Dense<4>>;
template <class T>
using Pool2 = BasicSequential<T, Input<3, 9, 11>, BatchNorm2D, MaxPool2D<3, 2, 2, 2, 1, 1>, AvgPool2D<2, 3, 1, 2, 1, 1>,
                              Flatten, Dense<4>>;
template <class T>
using PoolGlobal = BasicSequential<T, Input<3, 9, 11>, AvgPool2D<3, 3, 2, 2>, GlobalAvgPool, Dense<4>>;
template <class T>
using PoolGlobal1 = BasicSequential<T, Input<3, 37>, GlobalAvgPool, Dense<2>>;
template <class T>
using Embed = BasicSequential<T, Input<6>, Embedding<11, 5>, Flatten, Dense<3>>;

}  // namespace

TEST_CASE("PyTorch parity: LayerNorm", "[layers][norm][parity]") {
    check_fixture<LayerNormFlat>("norm_layernorm_flat");
    check_fixture<LayerNormSeq>("norm_layernorm_seq");
    check_fixture<LayerNorm2>("norm_layernorm_2d");
}

TEST_CASE("PyTorch parity: BatchNorm1D and BatchNorm2D, training and eval, running statistics", "[layers][norm][parity]") {
    check_fixture<BatchNormFlat>("norm_batchnorm1d_flat");
    check_fixture<BatchNormSeq>("norm_batchnorm1d_seq");
    check_fixture<BatchNorm2>("norm_batchnorm2d");
}

TEST_CASE("PyTorch parity: pooling", "[layers][pool][parity]") {
    check_fixture<Pool1>("pool_1d");
    check_fixture<Pool2>("pool_2d");
    check_fixture<PoolGlobal>("pool_global");
    check_fixture<PoolGlobal1>("pool_global_1d");
}

TEST_CASE("PyTorch parity: Embedding", "[layers][embedding][parity]") {
    check_fixture<Embed>("embedding");
}
