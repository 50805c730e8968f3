// The network the consumer embeds (ctnn_embed_header's NET names the same
// type) and its weights, as make_model.py wrote them into model.safetensors:
// small multiples of 1/8, so the forward pass and the plain loops in
// embedded.cpp compute the same floats exactly.
#pragma once
#include <cstddef>

#include <ctnn/layers.hpp>
#include <ctnn/net.hpp>

namespace consumer {
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<2>>;

constexpr float w1(std::size_t o, std::size_t i) { return float(int((3 * o + 5 * i) % 9) - 4) / 8; }  // [8, 4]
constexpr float b1(std::size_t o) { return float(int(o % 3) - 1) / 4; }                            // [8]
constexpr float w2(std::size_t o, std::size_t j) { return float(int((2 * o + 3 * j) % 7) - 3) / 4; }  // [2, 8]
constexpr float b2(std::size_t o) { return o == 0 ? 0.5f : -0.25f; }                                // [2]
}  // namespace consumer
