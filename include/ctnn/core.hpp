#pragma once
/// \file core.hpp
/// Shapes, tensors, shape algebra, errors, constexpr math, the RNG.
#include "core/cmath.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/shape.hpp"
#include "core/shape_algebra.hpp"
#include "core/random.hpp"
#include "core/real.hpp"
#include "core/tensor.hpp"
