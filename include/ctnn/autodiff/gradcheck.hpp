#pragma once
/// \file gradcheck.hpp
/// A finite-difference gradient checker for your own expressions and layers:
/// central differences in double precision, compared with the analytic
/// gradient element by element.
///
/// ```cpp
/// Tensor<double, 5, 7> W; ...
/// auto loss = [&] { return sum(sigmoid(matmul(W, x) + b)); };
/// auto report = gradcheck(loss, wrt(W, b));   // builds grad() and compares
/// REQUIRE(report.max_rel_error < 1e-6);
/// ```

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ostream>

#include "tensor_grad.hpp"

namespace ctnn {

/// The worst disagreement found: relative error
/// `|numeric - analytic| / max(|numeric| + |analytic|, floor)`, where the
/// floor is 1e-4 · max(1, |loss|): central differences carry a rounding
/// error of about eps·|loss|/h ≈ 1e-11·|loss| (h = 1e-5), so gradient
/// entries far below the loss's own scale are compared with that scale
/// rather than with themselves.
struct gradcheck_report {
    double max_rel_error = 0;
    std::size_t tensor = 0;   ///< which wrt tensor
    std::size_t element = 0;  ///< flat index in it
    double numeric = 0, analytic = 0;
    std::size_t checked = 0;  ///< elements compared

    friend std::ostream& operator<<(std::ostream& os, const gradcheck_report& r) {
        return os << "gradcheck: " << r.checked << " elements, max relative error " << r.max_rel_error
                  << " at tensor " << r.tensor << " element " << r.element << " (numeric " << r.numeric
                  << ", analytic " << r.analytic << ")";
    }
};

/// Central-difference derivative of the scalar `loss()` with respect to each
/// element of `x` (perturbed in place by ±h, then restored), into `out`.
template <class Loss, TensorLike X, TensorLike G>
void numeric_gradient(const Loss& loss, X& x, G& out, double h = 1e-5) {
    static_assert(std::is_same_v<typename X::shape_type, typename G::shape_type>,
                  "ctnn: numeric_gradient writes a gradient of the tensor's shape");
    for (std::size_t i = 0; i < X::size; ++i) {
        const auto old = x.data()[i];
        x.data()[i] = old + h;
        const double up = double(loss());
        x.data()[i] = old - h;
        const double down = double(loss());
        x.data()[i] = old;
        out.data()[i] = typename G::value_type((up - down) / (2 * h));
    }
}

/// Compares `analytic` with the central differences of `loss()` for `x`,
/// folding the result into `report` (tensor index `which`).
template <class Loss, TensorLike X, TensorLike G>
void gradcheck_tensor(const Loss& loss, X& x, const G& analytic, gradcheck_report& report, std::size_t which,
                      double h = 1e-5) {
    const double floor = 1e-4 * std::max(1.0, std::abs(double(loss())));
    tensor_for_t<double, typename X::shape_type> numeric;
    numeric_gradient(loss, x, numeric, h);
    for (std::size_t i = 0; i < X::size; ++i) {
        const double n = numeric.data()[i], a = double(analytic.data()[i]);
        const double rel = std::abs(n - a) / std::max(std::abs(n) + std::abs(a), floor);
        ++report.checked;
        if (rel >= report.max_rel_error) {
            report.max_rel_error = rel;
            report.tensor = which;
            report.element = i;
            report.numeric = n;
            report.analytic = a;
        }
    }
}

/// Checks `grad` of the expression `make_loss()` (a callable returning a
/// scalar expression, re-evaluated at each perturbed point) with respect to
/// the tensors of `w` against central differences. Use double tensors.
template <class MakeLoss, class... X>
gradcheck_report gradcheck(const MakeLoss& make_loss, const Wrt<X...>& w, double h = 1e-5) {
    gradcheck_report report;
    auto analytic = grad(make_loss(), w);
    auto scalar = [&] { return evaluate(make_loss())[0]; };
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (gradcheck_tensor(scalar, const_cast<X&>(std::get<I>(w.tensors)), std::get<I + 1>(analytic), report, I, h),
         ...);
    }(std::index_sequence_for<X...>{});
    return report;
}

}  // namespace ctnn
