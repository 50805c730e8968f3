// expect: ctnn: trace needs a value for every variable of the expression
#include <ctnn/autodiff/scalar.hpp>

double f() {
    const auto x = ctnn::var<0>{};
    const auto w = ctnn::var<1>{};
    return ctnn::trace(log(x) * w, 2.0)[0].value;
}
