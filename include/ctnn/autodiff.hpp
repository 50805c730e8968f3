#pragma once
/// \file autodiff.hpp
/// Reverse-mode gradients of tensor expressions (`grad`, `wrt`), forward-mode
/// derivatives of element-wise functions (`derivative`), and a
/// finite-difference checker (`gradcheck`), and scalar expressions
/// differentiated at compile time (`var<I>`, `grad(f, x...)`, `trace`).
// The expression headers whose functions check their operands first (as
// expr.hpp), then tensor_grad.hpp (grad, grad_into): each is then included
// from here directly, and a `ctnn:` error in one comes after a two-line
// include chain.
#include "expr/elementwise.hpp"
#include "expr/matmul.hpp"
#include "expr/reduce.hpp"
#include "autodiff/tensor_grad.hpp"
#include "autodiff/dual.hpp"
#include "autodiff/gradcheck.hpp"
#include "autodiff/scalar.hpp"
