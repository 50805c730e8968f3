#pragma once
/// \file ctnn.hpp
/// Everything ctnn has. Only includes; every header also compiles on its own.
#include "core.hpp"
#include "simd.hpp"
#include "expr.hpp"
#include "autodiff.hpp"
#include "net.hpp"
#include "loss.hpp"
#include "optim.hpp"
#include "train.hpp"
#include "io.hpp"
#include "simd/denormals.hpp"
