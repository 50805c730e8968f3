#pragma once
/// \file loss.hpp
/// Losses: MSE, SumSquares, BCEWithLogits, BCEWithLogitsSum, SoftmaxCrossEntropy.
#include "layers/checks.hpp"  // first: the ctnn: errors of a network come from here (shortest include chain)
#include "loss/bce_logits.hpp"
#include "loss/loss_common.hpp"
#include "loss/mse.hpp"
#include "loss/softmax_cross_entropy.hpp"
