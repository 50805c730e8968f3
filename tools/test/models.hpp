// The networks of ctnn-embed's tests (the generated headers name the same types).
#pragma once
#include <ctnn/layers.hpp>
#include <ctnn/net.hpp>

namespace embed_test {
using namespace ctnn;
using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;
using Deep = BasicSequential<double, Input<4>, Dense<6>, Tanh, Dense<6>, Sigmoid, Dense<6>, SiLU, Dense<6>, ELU<>,
                             Dense<6>, Softplus, Dense<3>, Softmax>;
// --quantize int8: weights, biases and calibration samples are multiples of 1/16
// small enough that every float sum is exact, so the tool's calibration (sums
// in double) and quant::quantize's (the SIMD forward) see the same ranges.
using Small = Sequential<Input<64>, Dense<32>, ReLU, Dense<10>>;
inline constexpr std::size_t calibration_samples = 24;
}  // namespace embed_test
