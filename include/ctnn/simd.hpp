#pragma once
/// \file simd.hpp
/// The SIMD kernels: element-wise map, dot, axpy, GEMV, the three GEMMs.
#include "simd/arch.hpp"
#include "simd/blas1.hpp"
#include "simd/epilogue.hpp"
#include "simd/gemm.hpp"
#include "simd/gemv.hpp"
#include "simd/map.hpp"
#include "simd/prefetch.hpp"
