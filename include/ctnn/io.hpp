#pragma once
/// \file io.hpp
/// Models and tensors on disk: safetensors and .npy load/save, the file
/// reader and atomic writer they share, checkpoints (parameters, optimizer
/// state, run state), and the binding of constexpr weights that
/// `ctnn-embed` generates. Only includes.
#include "layers/checks.hpp"  // first: the ctnn: errors of a network come from here (shortest include chain)
#include "io/dtype.hpp"
#include "io/file.hpp"
#include "io/safetensors.hpp"
#include "io/npy.hpp"
#include "io/checkpoint.hpp"
#include "io/embed.hpp"
#include "io/net_spec.hpp"
