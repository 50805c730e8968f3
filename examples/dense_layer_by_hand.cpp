// A Dense layer with ReLU, written by hand from ctnn's tensors and kernels:
// the forward pass at batch 1 (GEMV) and at batch 4 (GEMM), with bias and
// activation fused into the kernel's epilogue, and the two backward products.
// The shapes are types: change one extent below and it stops compiling with a
// `ctnn:` message naming both shapes.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

int main() {
    // Layer 3 -> 2, PyTorch layout: weight [out, in], bias [out].
    const Tensor<float, 2, 3> weight{0.5f, -1.0f, 2.0f,   //
                                     1.5f, 0.25f, -0.5f};
    const Tensor<float, 2> bias{0.1f, -0.2f};
    auto relu = [](auto v) { return xsimd::max(v, decltype(v)(0)); };

    // Batch 1: y = relu(W x + b), one pass over memory.
    const Tensor<float, 3> x{1.0f, 2.0f, 3.0f};
    Tensor<float, 2> y;
    simd::gemv(weight, x, y, simd::epilogue::bias_then{bias.data(), relu});
    std::cout << "x = " << x << "\ny = relu(W x + b) = " << y << "\n";

    // Batch 4: Y = relu(X Wᵀ + b); row 0 is the same sample as above.
    const Tensor<float, 4, 3> xs{1, 2, 3,  //
                                 -1, 0, 1,  //
                                 0, 0, 0,   //
                                 2, -2, 0.5f};
    Tensor<float, 4, 2> ys;
    simd::gemm_xwt(xs, weight, ys, simd::epilogue::bias_then{bias.data(), relu});
    std::cout << "Y = relu(X Wt + b) =\n" << ys << "\n";

    // Backward for a loss whose gradient w.r.t. Y is all ones: dY masked by
    // relu'(.), then dX = dY W and dW = dYᵀ X.
    Tensor<float, 4, 2> dy;
    simd::map([](auto out) { using P = decltype(out); return simd::select(out > P(0), P(1), P(0)); }, dy, ys);
    Tensor<float, 4, 3> dx;
    Tensor<float, 2, 3> dw;
    simd::gemm_dyw(dy, weight, dx);
    simd::gemm_dytx</*Accumulate=*/false>(dy, xs, dw);
    std::cout << "dX = dY W =\n" << dx << "\ndW = dYt X =\n" << dw << "\n";

    // Check against the arithmetic done by hand.
    const float y0 = std::max(0.0f, 0.5f * 1 - 1.0f * 2 + 2.0f * 3 + 0.1f);
    const float y1 = std::max(0.0f, 1.5f * 1 + 0.25f * 2 - 0.5f * 3 - 0.2f);
    const bool ok = std::abs(y(0) - y0) < 1e-6f && std::abs(y(1) - y1) < 1e-6f &&
                    std::abs(ys(0, 0) - y0) < 1e-6f && std::abs(ys(0, 1) - y1) < 1e-6f;
    std::printf("%s\n", ok ? "matches the hand computation" : "MISMATCH");

    // Uncomment for a compile error:
    //   ctnn: matmul needs the inner extents to match ... Shape<4, 3>, Shape<2, 4> ...
    // Tensor<float, 4, 4> wrong;
    // simd::gemm_xwt(xs, Tensor<float, 2, 4>{}, wrong);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
