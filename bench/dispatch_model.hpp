#pragma once
/// \file dispatch_model.hpp
/// The interface between bench/dispatch.cpp (plain x86-64) and the model
/// code of dispatch_model.cpp, which is compiled once per dispatch level
/// (ctnn_add_dispatch) and once more with -march=native (the peer). No ctnn
/// type crosses it.

#include <cstdint>
#include <memory>

#include <ctnn/dispatch.hpp>

namespace ctnn_bench_dispatch {

inline constexpr std::size_t batch = 64;

/// mlp_mnist (784 → 128 ReLU → 10) at batch 64 on fixed random data.
struct Model {
    virtual ~Model() = default;
    /// mlp_mnist's forward pass (softmax probabilities) of the stored batch.
    virtual void forward() noexcept = 0;
    /// One training step (784 → 128 ReLU → 10 logits, softmax cross-entropy,
    /// Adam 1e-3): forward, loss, backward, update; returns the loss.
    virtual float train_step() noexcept = 0;
    /// Σ of the last forward's outputs and of the parameters (to compare builds).
    virtual double checksum() const noexcept = 0;
    /// xsimd's name of the widest architecture the code was compiled for.
    virtual const char* arch() const noexcept = 0;
};

#if !defined(CTNN_BENCH_NATIVE)  // the native build is no level
CTNN_DISPATCH_DECLARE(make_model, std::unique_ptr<Model>(std::uint64_t seed));
#endif

}  // namespace ctnn_bench_dispatch

/// The same model compiled with -march=native (CTNN_BENCH_NATIVE).
namespace ctnn_bench_dispatch::native {
std::unique_ptr<Model> make_model(std::uint64_t seed);
}
