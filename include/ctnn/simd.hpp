#pragma once
/// \file simd.hpp
/// The SIMD kernels: element-wise map and math, dot, axpy, GEMV, the three
/// GEMMs, row softmax.
#include "simd/arch.hpp"
#include "simd/blas1.hpp"
#include "simd/epilogue.hpp"
#include "simd/gemm.hpp"
#include "simd/gemv.hpp"
#include "simd/map.hpp"
#include "simd/math.hpp"
#include "simd/prefetch.hpp"
#include "simd/softmax.hpp"
