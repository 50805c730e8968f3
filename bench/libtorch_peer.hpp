#pragma once
/// \file libtorch_peer.hpp
/// The optional LibTorch peer of the Fashion-MNIST training benchmark:
/// `nn::Sequential(Linear(784, 128), ReLU, Linear(128, 10))`, cross-entropy,
/// `optim::Adam(1e-3)`, one thread. Its own translation unit
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

}  // namespace ctnn_bench
