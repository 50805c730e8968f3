// expect: ctnn: grad needs a value for every variable of the expression
// The point as an array: two values for an expression of inputs 0 and 2.
#include <array>

#include <ctnn/autodiff/scalar.hpp>

double f() {
    const auto x = ctnn::var<0>{};
    const auto z = ctnn::var<2>{};
    const std::array<double, 2> p{1.0, 2.0};
    return ctnn::grad(exp(x) * z, p).gradient[0];
}
