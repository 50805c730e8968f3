#pragma once
/// \file libtorch_peer.hpp
/// The optional LibTorch peers of the training benchmarks, one thread each:
/// the Fashion-MNIST MLP (`nn::Sequential(Linear(784, 128), ReLU,
/// Linear(128, 10))`, cross-entropy, `optim::Adam(1e-3)`) and a GRU
/// sequence model (`GRU(F, H, batch_first)` then `Linear(H, 1)` on every
/// step, MSE, Adam). Their own translation unit
/// (libtorch_peer.cpp) keeps LibTorch's headers out of the other benchmarks.

#include <cstdint>
#include <memory>

namespace ctnn_bench {

class LibtorchMlp {
public:
    /// Starts from ctnn's parameters (PyTorch's layout: weight [out, in], bias).
    LibtorchMlp(const float* w1, const float* b1, const float* w2, const float* b2);
    ~LibtorchMlp();
    /// One training step on a batch of 64 rows of 784 floats; returns the loss.
    float step(const float* x, const std::int64_t* labels);
    /// Copies the current parameters out, in the same layout.
    void parameters(float* w1, float* b1, float* w2, float* b2) const;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

/// `GRU(features, hidden, batch_first=True)` then `Linear(hidden, 1)` on
/// every step (or on the last step only, `last_step`), MSE, `optim::Adam(1e-3)`.
class LibtorchGru {
public:
    /// Starts from ctnn's parameters in PyTorch's layout and order:
    /// weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then the Linear's
    /// weight and bias.
    LibtorchGru(std::int64_t batch, std::int64_t steps, std::int64_t features, std::int64_t hidden, bool last_step,
                const float* const params[6]);
    ~LibtorchGru();
    /// One training step on `x` [batch, steps, features] and targets
    /// `y` [batch, steps, 1] (`[batch, 1]` with `last_step`), every sequence
    /// from a zero state; returns the loss.
    float step(const float* x, const float* y);
    /// Copies the current parameters out, in the same layout and order.
    void parameters(float* const params[6]) const;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace ctnn_bench
