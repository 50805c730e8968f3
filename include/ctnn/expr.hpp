#pragma once
/// \file expr.hpp
/// Lazy tensor expressions: element-wise ops with broadcasting, matmul,
/// transpose, reductions, and `assign`/`evaluate` that run them in one pass.
#include "expr/assign.hpp"
#include "expr/elementwise.hpp"
#include "expr/evaluate.hpp"
#include "expr/expression.hpp"
#include "expr/matmul.hpp"
#include "expr/ops.hpp"
#include "expr/reduce.hpp"
