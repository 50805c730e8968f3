#pragma once
/// \file autodiff.hpp
/// Reverse-mode gradients of tensor expressions (`grad`, `wrt`), forward-mode
/// derivatives of element-wise functions (`derivative`), and a
/// finite-difference checker (`gradcheck`), and scalar expressions
/// differentiated at compile time (`var<I>`, `grad(f, x...)`, `trace`).
#include "autodiff/dual.hpp"
#include "autodiff/gradcheck.hpp"
#include "autodiff/scalar.hpp"
#include "autodiff/tensor_grad.hpp"
