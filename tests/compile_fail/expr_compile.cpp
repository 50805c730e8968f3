// expect-success
// The positive twins of the expr_* cases, reshape_element_count and
// net_loss_target_shape: the same calls with the mistake fixed compile (so
// those cases cannot pass because the harness broke).
#include <ctnn/autodiff.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/loss.hpp>

using ctnn::Tensor;

// expr_broadcast_mismatch, expr_element_type, expr_assign_shape
void elementwise(const Tensor<float, 3, 4>& a, const Tensor<float, 4>& b, Tensor<float, 3, 4>& out) {
    ctnn::assign(out, a + b);
    ctnn::assign(out, a * 2.0f);
}
// expr_matmul_inner_mismatch, expr_transpose_vector, expr_reduce_axis, then used as in expr_broken_then_used
double products(const Tensor<double, 8, 6>& x, const Tensor<double, 6, 3>& w, const Tensor<double, 3>& b,
                Tensor<double, 8, 3>& out) {
    auto y = ctnn::relu(ctnn::matmul(x, w) + b);
    ctnn::assign(out, y);
    auto s = ctnn::evaluate(ctnn::mean(y * 2.0));
    auto t = ctnn::evaluate(ctnn::sum<1>(ctnn::transpose(w)));
    auto [loss, dw, db] = ctnn::grad(ctnn::sum(y * y), ctnn::wrt(w, b));
    return loss + dw(0, 0) + db(0) + s(0) + t(0);
}
// expr_grad_not_scalar, expr_grad_into_shape
double grads(const Tensor<double, 3>& a, Tensor<double, 3>& da) {
    auto [v, g] = ctnn::grad(ctnn::sum(a * a), ctnn::wrt(a));
    return v + g(0) + ctnn::grad_into(ctnn::sum(a * a), ctnn::wrt(a), da);
}
// reshape_element_count
float reshaped(Tensor<float, 4, 4>& t) { return ctnn::reshape<2, 8>(t)(1, 7); }
// net_loss_target_shape
float loss(const Tensor<float, 8, 10>& y, const Tensor<float, 8, 10>& t, Tensor<float, 8, 10>& g) {
    return ctnn::MSE::compute(y, t, g);
}
