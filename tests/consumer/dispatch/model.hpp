#pragma once
#include <memory>

#include <ctnn/dispatch.hpp>

namespace consumer {
/// 5 → 7 Tanh → 3, batch 4; parameters W1 [7, 5], b1, W2 [3, 7], b2 in one array.
inline constexpr int in = 5, hidden = 7, out = 3, batch = 4;
inline constexpr int param_count = hidden * in + hidden + out * hidden + out;

struct Model {
    virtual ~Model() = default;
    virtual void forward(const float* x, float* y) = 0;  // x [batch, in] → y [batch, out]
    virtual const char* arch() const = 0;               // xsimd's architecture of the code
};
CTNN_DISPATCH_DECLARE(make_model, std::unique_ptr<Model>(const float* params));
/// The baked model (ctnn_embed_header): x [4] → y [2]; `arch` as Model::arch.
CTNN_DISPATCH_DECLARE(run_baked, void(const float* x, float* y, const char** arch));
}  // namespace consumer
