#pragma once
/// \file libtorch_cnn_peer.hpp
/// The optional LibTorch peer of `ctnn_bench_cnn` (cnn.cpp): the Fashion-MNIST
/// CNN of examples/fashion_cnn.cpp in torch C++,
///
///   Conv2d(1, 16, 3, padding 1), BatchNorm2d, ReLU, MaxPool2d(2),
///   Conv2d(16, 32, 3, padding 1), BatchNorm2d, ReLU, MaxPool2d(2),
///   x + (Conv2d(32, 32), BatchNorm2d, ReLU, Conv2d(32, 32), BatchNorm2d)(x), ReLU,
///   Flatten, Linear(1568, 128), ReLU, Dropout(0.3), Linear(128, 10),
///
/// with PyTorch's state_dict names (`0.weight`, `8.body.1.running_mean`, ...,
/// which are ctnn's), cross-entropy and `optim::Adam(1e-3)`, one thread. Its
/// own translation unit keeps LibTorch's headers out of cnn.cpp.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ctnn_bench {

class LibtorchCnn {
public:
    static constexpr std::size_t batch = 64;
    /// A parameter or buffer by its PyTorch name, `size` floats at `data`.
    struct named_values {
        std::string name;
        const float* data;
        std::size_t size;
    };
    /// Starts from these values (ctnn's parameters and BatchNorm buffers,
    /// PyTorch's layout). Throws `std::runtime_error` naming any parameter
    /// or buffer of the torch network that is missing or has another size.
    explicit LibtorchCnn(const std::vector<named_values>& values);
    ~LibtorchCnn();
    LibtorchCnn(const LibtorchCnn&) = delete;
    LibtorchCnn& operator=(const LibtorchCnn&) = delete;

    /// One training step (training mode: batch statistics, dropout) on 64
    /// images [64, 1, 28, 28] and their classes; returns the loss.
    float train_step(const float* x, const std::int64_t* labels);
    /// Inference (eval mode, no autograd) on `n` images [n, 1, 28, 28]:
    /// the logits [n, 10] into `logits`.
    void infer(const float* x, std::size_t n, float* logits);
    /// The LibTorch version the peer was built with.
    static std::string version();

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace ctnn_bench
