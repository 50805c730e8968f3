#pragma once
/// \file quant.hpp
/// Precision as part of the type: `Quantized<Net, quant::bf16_weights>` and
/// `Quantized<Net, quant::int8_weights>`, `quant::quantize`, `quant::error_report`.
#include "layers/checks.hpp"  // first: the ctnn: errors of a network come from here (shortest include chain)
#include "quant/network.hpp"
