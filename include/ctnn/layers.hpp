#pragma once
/// \file layers.hpp
/// Every layer: Dense, the activations, Softmax, PReLU, Dropout, Flatten,
/// GRU, LSTM, Conv1D, Conv2D, Slice, LayerNorm, BatchNorm1D/2D, Embedding, pooling,
/// ExprLayer (a layer written as a tensor expression).
#include "layers/checks.hpp"  // first: the ctnn: errors of a network come from here (shortest include chain)
#include "layers/activation.hpp"
#include "layers/batchnorm_fold.hpp"
#include "layers/conv1d.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/elementwise.hpp"
#include "layers/expr_layer.hpp"
#include "layers/embedding.hpp"
#include "layers/flatten.hpp"
#include "layers/layer_concepts.hpp"
#include "layers/norm.hpp"
#include "layers/padding.hpp"
#include "layers/pool.hpp"
#include "layers/prelu.hpp"
#include "layers/recurrent.hpp"
#include "layers/slice.hpp"
#include "layers/softmax.hpp"
