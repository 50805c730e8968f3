// expect-success
// Cheap negative tests for scalar expressions: what must not be well-formed.
#include <ctnn/autodiff/scalar.hpp>

#include <array>
#include <cmath>
#include <string>
#include <type_traits>

namespace {

using X = ctnn::Var<0>;

template <class F, class... Xs>
concept can_grad = requires(const F& f, const Xs&... xs) { ctnn::grad(f, xs...); };
static_assert(can_grad<X, double>);
static_assert(can_grad<X, std::array<float, 1>>);
static_assert(!can_grad<double, double>);              // not an expression
static_assert(!can_grad<X, std::string>);              // not a number
static_assert(!can_grad<X, std::array<std::string, 1>>);

template <class A, class B>
concept can_add = requires(const A& a, const B& b) { a + b; };
static_assert(can_add<X, double> && can_add<int, X> && can_add<X, X>);
static_assert(!can_add<X, std::string>);
static_assert(!can_add<X, std::array<double, 2>>);

template <class A>
concept can_exp = requires(const A& a) { ctnn::exp(a); };
static_assert(can_exp<X>);
static_assert(!can_exp<std::string>);

// plain numbers keep the standard functions, even with ctnn's names in scope
using namespace ctnn;
static_assert(std::is_same_v<decltype(exp(2.0)), double>);
static_assert(std::is_same_v<decltype(pow(2.0, 3)), double>);

}  // namespace
