// The network the consumer embeds (ctnn_embed_header's NET names the same type).
#pragma once
#include <ctnn/layers.hpp>
#include <ctnn/net.hpp>

namespace consumer {
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<2>>;
}
