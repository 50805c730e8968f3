#pragma once
/// \file expr.hpp
/// Lazy tensor expressions: element-wise ops with broadcasting, matmul,
/// transpose, reductions, and `assign`/`evaluate` that run them in one pass.
// The headers whose functions check their operands first, in the order in
// which they include each other: each is then included from here directly,
// and a `ctnn:` error in one comes after a two-line include chain.
#include "expr/elementwise.hpp"
#include "expr/matmul.hpp"
#include "expr/reduce.hpp"
#include "expr/assign.hpp"
#include "expr/evaluate.hpp"
#include "expr/expression.hpp"
#include "expr/ops.hpp"
