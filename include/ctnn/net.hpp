#pragma once
/// \file net.hpp
/// Networks as types: `Sequential` (the chain), `Residual`, `Concat`, `Add`,
/// the `Network` concept, initialisers.
#include "layers/checks.hpp"  // first: the ctnn: errors of a network come from here (shortest include chain)
#include "layers.hpp"
#include "net/sequential.hpp"  // before the others: its own ctnn: errors then have the shortest include chain
#include "net/add.hpp"
#include "net/chain.hpp"
#include "net/compose.hpp"
#include "net/concat.hpp"
#include "net/fold.hpp"
#include "net/init.hpp"
#include "net/network.hpp"
#include "net/per_step.hpp"
#include "net/residual.hpp"
