#pragma once
/// \file layers.hpp
/// Every layer: Dense, the activations, Softmax, PReLU, Dropout, Flatten, Conv1D, Slice.
#include "layers/activation.hpp"
#include "layers/checks.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/elementwise.hpp"
#include "layers/flatten.hpp"
#include "layers/layer_concepts.hpp"
#include "layers/prelu.hpp"
#include "layers/softmax.hpp"
#include "layers/conv1d.hpp"
#include "layers/padding.hpp"
#include "layers/slice.hpp"
