#pragma once
/// \file ctnn.hpp
/// Everything ctnn has. Only includes; every header also compiles on its own.
#include "layers/checks.hpp"  // first: the ctnn: errors of a network come from here (shortest include chain)
#include "core.hpp"
#include "simd.hpp"
#include "expr.hpp"
#include "autodiff.hpp"
#include "net.hpp"
#include "loss.hpp"
#include "optim.hpp"
#include "train.hpp"
#include "io.hpp"
#include "train/checkpoint.hpp"  // fit with its own checkpoints: needs io/, so not in train.hpp
#include "simd/denormals.hpp"
#include "quant.hpp"  // Quantized<Net, Policy>: bf16 and int8 inference
