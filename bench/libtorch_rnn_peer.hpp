#pragma once
/// \file libtorch_rnn_peer.hpp
/// The optional LibTorch peer of `gru16_train` (recurrent.cpp):
/// `nn::GRU(1, 16, batch_first)` then `nn::Linear(16, 1)` on the last step,
/// MSE, one thread; one call computes the loss and every gradient (no
/// optimizer step, like ctnn's `train::gradients`). Its own translation
/// unit keeps LibTorch's headers out of the other benchmarks.

#include <cstddef>
#include <memory>

namespace ctnn_bench {

class LibtorchGru {
public:
    static constexpr std::size_t batch = 8, steps = 2048, hidden = 16;
    /// Starts from ctnn's parameters (PyTorch's layout); `x` [8, 2048, 1] and
    /// `target` [8, 1] are copied.
    LibtorchGru(const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh, const float* w_out,
                const float* b_out, const float* x, const float* target);
    ~LibtorchGru();
    /// Forward, MSE loss and backward; returns the loss.
    float gradients();
    /// ∂loss/∂weight_hh_l0 [48, 16] of the last call.
    void grad_w_hh(float* out) const;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace ctnn_bench
