// expect: ctnn: matmul needs the inner extents to match
// expect: inner_extents_match<ctnn::Shape<8, 6>, ctnn::Shape<5, 3> ?>
#include <ctnn/autodiff.hpp>
#include <ctnn/expr.hpp>

// A [8, 6] · [5, 3] matmul, then used as real code does (bias, activation,
// assign, evaluate, a reduction, grad, a transpose and a product of it): one
// error. The failed matmul returns after_error (expr::Failed), a zero of
// shape [1], which every later step takes; transpose and matmul return it
// again for a failed operand without checking its shape.
double f(const ctnn::Tensor<double, 8, 6>& x, const ctnn::Tensor<double, 5, 3>& w,
         const ctnn::Tensor<double, 3>& b, ctnn::Tensor<double, 8, 3>& out) {
    auto y = ctnn::relu(ctnn::matmul(x, w) + b);
    ctnn::assign(out, y);
    auto s = ctnn::evaluate(ctnn::mean(y * 2.0));
    auto [loss, dw, db] = ctnn::grad(ctnn::sum(y * y), ctnn::wrt(w, b));
    auto z = ctnn::evaluate(ctnn::matmul(ctnn::transpose(y), x));
    return loss + dw(0, 0) + db(0) + s(0) + z(0);
}
