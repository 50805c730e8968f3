// expect-success
// Cheap negative tests (mp-units' test/static style): what must NOT be
// well-formed, checked with concepts and requires-expressions in one positive
// compile. Mistakes caught by a static_assert inside a body (matmul_shape_t,
// dot, row(), ...) are hard errors, not substitution failures, so they are
// the compile-fail cases next to this file.
#include <ctnn/core.hpp>
#include <ctnn/simd.hpp>

#include <cstddef>
#include <sstream>
#include <type_traits>

namespace {

using ctnn::Shape;
using ctnn::Tensor;
using ctnn::TensorView;

// ---- shape concepts --------------------------------------------------------
static_assert(ctnn::AnyShape<Shape<>>);
static_assert(ctnn::AnyShape<Shape<2, 3>>);
static_assert(!ctnn::AnyShape<int>);
static_assert(!ctnn::AnyShape<Tensor<float, 2, 3>>);
static_assert(!ctnn::AnyShape<const Shape<2>>);  // cv-qualified is not a shape

static_assert(ctnn::TensorRank<Shape<1>>);
static_assert(ctnn::TensorRank<Shape<1, 2, 3, 4>>);
static_assert(!ctnn::TensorRank<Shape<>>);
static_assert(!ctnn::TensorRank<Shape<1, 2, 3, 4, 5>>);
static_assert(!ctnn::TensorRank<int>);

static_assert(ctnn::NonEmptyExtents<Shape<3, 1>>);
static_assert(!ctnn::NonEmptyExtents<Shape<3, 0>>);
static_assert(!ctnn::NonEmptyExtents<Shape<0>>);

static_assert(ctnn::ValidShape<Shape<64, 10>>);
static_assert(!ctnn::ValidShape<Shape<>>);
static_assert(!ctnn::ValidShape<Shape<2, 2, 2, 2, 2>>);
static_assert(!ctnn::ValidShape<Shape<8, 0>>);
static_assert(!ctnn::ValidShape<double>);

// A constraint on ValidShape rejects the bad shapes without a hard error.
template <class S>
    requires ctnn::ValidShape<S>
struct needs_valid_shape {};
template <class S>
concept can_name = requires { typename needs_valid_shape<S>; };  // dependent, so a failure is false
static_assert(can_name<Shape<4>>);
static_assert(!can_name<Shape<>>);
static_assert(!can_name<Shape<4, 0>>);
static_assert(!can_name<Shape<1, 1, 1, 1, 1>>);
static_assert(!can_name<int>);

// ---- TensorLike ------------------------------------------------------------
static_assert(ctnn::TensorLike<Tensor<float, 4>>);
static_assert(ctnn::TensorLike<Tensor<double, 2, 3>>);
static_assert(ctnn::TensorLike<TensorView<float, 4>>);
static_assert(ctnn::TensorLike<TensorView<const float, 2, 3>>);
static_assert(!ctnn::TensorLike<float>);
static_assert(!ctnn::TensorLike<float*>);
static_assert(!ctnn::TensorLike<Shape<4>>);
static_assert(!ctnn::TensorLike<std::array<float, 4>>);

// ---- functions constrained on TensorLike reject what is not a tensor -------
template <class A, class B>
concept can_approx_equal = requires(const A& a, const B& b) { ctnn::approx_equal(a, b, 1e-6); };
static_assert(can_approx_equal<Tensor<float, 4>, TensorView<const float, 4>>);  // the helper is not vacuous
static_assert(!can_approx_equal<float, float>);
static_assert(!can_approx_equal<Tensor<float, 4>, float*>);

template <class X>
concept can_print = requires(std::ostream& os, const X& x) { ctnn::print(os, x); };
static_assert(can_print<Tensor<float, 2, 2>>);
static_assert(!can_print<float>);
static_assert(!can_print<Shape<2, 2>>);

template <class A, class B>
concept can_dot = requires(const A& a, const B& b) { ctnn::simd::dot(a, b); };
static_assert(can_dot<Tensor<float, 4>, Tensor<float, 4>>);
static_assert(!can_dot<float*, float*>);
static_assert(!can_dot<Tensor<float, 4>, float>);

template <class X, class Y>
concept can_axpy = requires(const X& x, Y& y) { ctnn::simd::axpy(1.0f, x, y); };
static_assert(can_axpy<Tensor<float, 4>, Tensor<float, 4>>);
static_assert(!can_axpy<float*, Tensor<float, 4>>);

template <class W, class X, class Y>
concept can_gemv = requires(const W& w, const X& x, Y& y) { ctnn::simd::gemv(w, x, y); };
static_assert(can_gemv<Tensor<float, 3, 4>, Tensor<float, 4>, Tensor<float, 3>>);
static_assert(!can_gemv<float*, float*, float*>);
static_assert(!can_gemv<Tensor<float, 3, 4>, float*, Tensor<float, 3>>);

template <class X, class W, class Y>
concept can_gemm_xwt = requires(const X& x, const W& w, Y& y) { ctnn::simd::gemm_xwt(x, w, y); };
static_assert(can_gemm_xwt<Tensor<float, 2, 3>, Tensor<float, 4, 3>, Tensor<float, 2, 4>>);
static_assert(!can_gemm_xwt<float*, float*, float*>);

template <class DY, class W, class DX>
concept can_gemm_dyw = requires(const DY& dy, const W& w, DX& dx) { ctnn::simd::gemm_dyw(dy, w, dx); };
static_assert(can_gemm_dyw<Tensor<float, 2, 3>, Tensor<float, 3, 4>, Tensor<float, 2, 4>>);
static_assert(!can_gemm_dyw<Tensor<float, 2, 3>, Shape<3, 4>, Tensor<float, 2, 4>>);

template <class DY, class X, class DW>
concept can_gemm_dytx = requires(const DY& dy, const X& x, DW& dw) { ctnn::simd::gemm_dytx(dy, x, dw); };
static_assert(can_gemm_dytx<Tensor<float, 2, 3>, Tensor<float, 2, 4>, Tensor<float, 3, 4>>);
static_assert(!can_gemm_dytx<Tensor<float, 2, 3>, double, Tensor<float, 3, 4>>);

// ---- tensors of different shapes do not mix -------------------------------
// assign() and a Tensor's construction from another tensor are declared for
// every shape, and a shape other than the tensor's own is a `ctnn:` static
// assertion in their body (one readable error, the compile-time issue's
// choice over a "no matching function" list): compile-fail cases
// net_param_assign_shape and net_output_shape.
template <class To, class From>
concept can_assign = requires(To& to, const From& from) { to.assign(from); };
static_assert(can_assign<Tensor<float, 2, 3>, Tensor<float, 2, 3>>);

// operator== compares tensors of one type only.
template <class A, class B>
concept can_compare = requires(const A& a, const B& b) { a == b; };
static_assert(can_compare<Tensor<float, 2, 3>, Tensor<float, 2, 3>>);
static_assert(!can_compare<Tensor<float, 2, 3>, Tensor<float, 3, 2>>);
static_assert(!can_compare<Tensor<float, 6>, Tensor<float, 2, 3>>);

// No conversions from a raw pointer; views only of their own shape.
static_assert(!std::is_convertible_v<float*, TensorView<float, 4>>);  // explicit
static_assert(!std::is_constructible_v<TensorView<float, 3, 2>, Tensor<float, 2, 3>&>);
static_assert(!std::is_constructible_v<TensorView<float, 2, 3>, const Tensor<float, 2, 3>&>);  // const stays const
static_assert(!std::is_constructible_v<TensorView<float, 4>, const float*>);

}  // namespace
