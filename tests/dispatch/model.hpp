#pragma once
/// \file model.hpp
/// The dispatched entry points of the dispatch test: declared once here,
/// defined per level in model.cpp, called from main.cpp (plain x86-64).
/// No ctnn type crosses this interface except ctnn::dispatch::level.

#include <cstddef>

#include <ctnn/dispatch.hpp>

namespace dispatch_test {

/// 20 → 33 Tanh → 7 at batch 5: every width leaves a tail for the narrower packs.
inline constexpr std::size_t in = 20, hidden = 33, out = 7, batch = 5;
/// Parameters in PyTorch's order: W1 [hidden, in], b1, W2 [out, hidden], b2.
inline constexpr std::size_t param_count = hidden * in + hidden + out * hidden + out;
inline constexpr float adam_lr = 1e-2f;

/// The level the running code was compiled for, and xsimd's name of its widest architecture.
CTNN_DISPATCH_DECLARE(compiled_level, ctnn::dispatch::level() noexcept);
CTNN_DISPATCH_DECLARE(arch_name, const char*() noexcept);
/// y [batch, out] = the network's logits for x [batch, in].
CTNN_DISPATCH_DECLARE(forward, void(const float* params, const float* x, float* y));
/// One training step (softmax cross-entropy, Adam at adam_lr): writes the
/// gradients (PyTorch's order), updates `params`, returns the loss.
CTNN_DISPATCH_DECLARE(train_step, float(float* params, const float* x, const int* labels, float* grads));

/// The median of the batch's logits. It sorts with std::nth_element, an
/// inline standard-library function every level instantiates under the same
/// name: the instruction-set check (check_isa.sh) proves that the linker kept
/// the baseline copy (ctnn_add_dispatch links the lowest level first).
CTNN_DISPATCH_DECLARE(median_logit, float(const float* y));

}  // namespace dispatch_test
