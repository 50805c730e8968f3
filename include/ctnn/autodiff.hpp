#pragma once
/// \file autodiff.hpp
/// Reverse-mode gradients of tensor expressions (`grad`, `wrt`), forward-mode
/// derivatives of element-wise functions (`derivative`), and a
/// finite-difference checker (`gradcheck`).
#include "autodiff/dual.hpp"
#include "autodiff/gradcheck.hpp"
#include "autodiff/tensor_grad.hpp"
