#pragma once
/// \file core.hpp
/// Shapes, tensors, shape algebra, errors.
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/shape.hpp"
#include "core/shape_algebra.hpp"
#include "core/tensor.hpp"
