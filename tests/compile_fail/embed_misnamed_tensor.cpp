// expect: ctnn: embedded tensor 0.weights is not a parameter of the network
// expect: ctnn: the embedded model lacks a parameter tensor of the network
// expect: missing_tensor<0(UL)?, ctnn::embed::weight>
// allow-second-ctnn-error
#include <ctnn/io/embed.hpp>
#include <ctnn/layers.hpp>

// A header as ctnn-embed writes it (see include/ctnn/io/embed.hpp), for
// Input<3> -> Dense<4> -> ReLU -> Dense<2>: the file calls 0.weight "0.weights": one tensor too many, one missing.
namespace model {
using net_type = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<4>, ctnn::ReLU, ctnn::Dense<2>>;
alignas(64) inline constexpr float t0[12] = {0.125f, -0.25f, 0.5f, 1.0f, -1.0f, 0.75f, 0.25f, 0.0f, -0.5f, 0.375f, 0.625f, -0.125f};  // 0.weights [4, 3]
alignas(64) inline constexpr float t1[4] = {0.125f, -0.25f, 0.375f, -0.5f};  // 0.bias [4]
alignas(64) inline constexpr float t2[8] = {1.0f, -1.0f, 0.5f, 0.25f, -0.5f, 0.5f, 1.5f, -2.0f};  // 2.weight [2, 4]
alignas(64) inline constexpr float t3[2] = {0.0625f, -0.125f};  // 2.bias [2]
inline constexpr ctnn::embed::tensor<float> tensors[] = {
    {"0.weights", {4, 3}, t0},
    {"0.bias", {4}, t1},
    {"2.weight", {2, 4}, t2},
    {"2.bias", {2}, t3},
};
CTNN_EMBED_CHECK(net_type, "0.weights", 4, 3);
CTNN_EMBED_CHECK(net_type, "0.bias", 4);
CTNN_EMBED_CHECK(net_type, "2.weight", 2, 4);
CTNN_EMBED_CHECK(net_type, "2.bias", 2);
inline constexpr net_type net = ctnn::embed::bind<net_type, tensors>();
}  // namespace model
