// expect: ctnn: eval needs a value for every variable of the expression
#include <ctnn/autodiff/scalar.hpp>

double f() {
    const auto x = ctnn::var<0>{};
    const auto y = ctnn::var<1>{};
    return ctnn::eval(sigmoid(x * y));  // no point at all
}
