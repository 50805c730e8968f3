// The networks of ctnn-embed's tests (the generated headers name the same types).
#pragma once
#include <ctnn/layers.hpp>
#include <ctnn/net.hpp>

namespace embed_test {
using namespace ctnn;
using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;
using Deep = BasicSequential<double, Input<4>, Dense<6>, Tanh, Dense<6>, Sigmoid, Dense<6>, SiLU, Dense<6>, ELU<>,
                             Dense<6>, Softplus, Dense<3>, Softmax>;
}  // namespace embed_test
