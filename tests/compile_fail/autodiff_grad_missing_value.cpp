// expect: ctnn: grad needs a value for every variable of the expression
// expect: values_for_inputs<2, 3>
// f uses x, y and z: a point of two values leaves z without one.
#include <ctnn/autodiff/scalar.hpp>

double f() {
    constexpr auto x = ctnn::var<0>{};
    constexpr auto y = ctnn::var<1>{};
    constexpr auto z = ctnn::var<2>{};
    return ctnn::grad((x + y) * z, 1.0, 2.0).value;
}
