/// \file compile_unit_expr100.cpp
/// Compile-time benchmark (bench/compile_time.sh): a tensor expression of
/// 100 operation nodes and its generated gradient. The expression is
/// 33 nested layers of `sigmoid(e * w + b)` (a multiply, an add and a
/// sigmoid each: 99 nodes) over a vector of 1000 floats, reduced with `sum`
/// (the 100th), differentiated with respect to x, w and b; leaves (`Ref`s
/// to the three tensors) are not counted. Out-of-line, so it is really
/// generated. Not linked anywhere. -DCTNN_COMPILE_UNIT_HEADERS_ONLY keeps
/// the includes only.

#include <ctnn/autodiff.hpp>
#include <ctnn/expr.hpp>

#ifndef CTNN_COMPILE_UNIT_HEADERS_ONLY

using Vec = ctnn::Tensor<float, 1000>;

template <int Depth, class E>
auto layers(const E& e, const Vec& w, const Vec& b) {
    if constexpr (Depth == 0)
        return e;
    else
        return layers<Depth - 1>(ctnn::sigmoid(e * w + b), w, b);
}

float expr100_value(const Vec& x, const Vec& w, const Vec& b) {
    Vec out;
    ctnn::assign(out, layers<33>(ctnn::ref(x), w, b));
    return out[0];
}

float expr100_grad(const Vec& x, const Vec& w, const Vec& b, Vec& dx, Vec& dw, Vec& db) {
    return ctnn::grad_into(ctnn::sum(layers<33>(ctnn::ref(x), w, b)), ctnn::wrt(x, w, b), dx, dw, db);
}

#endif
