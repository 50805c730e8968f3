// The lecture's computation graphs, node by node. An expression's type is its
// graph; `ctnn::trace` walks it at a point and reports each node's forward
// value and the gradient flowing back into it, which is what the slides draw:
//
//   1. f(x, y, z) = (x + y) z at x = -2, y = 5, z = -4 (CS231n's example):
//      q = x + y = 3, f = -12; backward: ∂f/∂z = q = 3, ∂f/∂q = z = -4, so
//      ∂f/∂x = ∂f/∂y = -4.
//   2. L(x, w, b) = log(1 / (e^-(xw+b) + 1)) at x = 2, w = -3, b = 6: each
//      module receives ∂L/∂out, multiplies by its local derivative and hands
//      ∂L/∂in to its inputs. L = -ln 2; ∇L = [-1.5, 1, 0.5].
//   3. One gradient step on L(x, y) = x² - y² - 2x + 5y from [2, 1] with rate
//      0.1: ∇L = [2, 3], the step lands on [1.8, 0.7], where L = 2.65.
//
// The same gradients are checked by static_asserts at compile time; the
// program checks them again at run time and exits non-zero on a mismatch.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include <ctnn/autodiff/scalar.hpp>

namespace {

/// Binding strength of an infix operator (0: not infix).
int precedence(const std::string& op) {
    if (op == "+" || op == "-") return 1;
    if (op == "*" || op == "/") return 2;
    return 0;
}

/// The text of every node of a trace, built from its operands' texts.
template <class Steps>
std::vector<std::string> node_texts(const Steps& steps, const std::vector<std::string>& input_names) {
    std::vector<std::string> text(steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto& s = steps[i];
        const std::string op = s.name;
        // an operand in parentheses where the operators would bind otherwise
        auto operand = [&](std::size_t k, bool right) {
            const int pk = steps[k].lhs == ctnn::ad::no_index ? 0 : precedence(steps[k].name);
            const int p = precedence(op);
            const bool wrap = pk != 0 && (p == 0 || pk < p || (right && pk == p && (op == "-" || op == "/")));
            return wrap ? "(" + text[k] + ")" : text[k];
        };
        if (s.input != ctnn::ad::no_index) {
            text[i] = input_names[s.input];
        } else if (s.lhs == ctnn::ad::no_index) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", static_cast<double>(s.value));
            text[i] = buf;
        } else if (precedence(op) != 0) {
            text[i] = operand(s.lhs, false) + " " + op + " " + operand(s.rhs, true);
        } else if (op == "neg") {
            text[i] = std::string("-") += operand(s.lhs, false);
        } else if (s.rhs != ctnn::ad::no_index) {
            text[i] = op + "(" + text[s.lhs] + ", " + text[s.rhs] + ")";
        } else {
            text[i] = op + "(" + text[s.lhs] + ")";
        }
    }
    return text;
}

/// Prints the forward values in the order they are computed, then the
/// gradients in the order the backward pass produces them.
template <class Steps>
void print_graph(const Steps& steps, const std::vector<std::string>& input_names, const char* out) {
    const auto text = node_texts(steps, input_names);
    int width = 0;
    for (const auto& t : text) width = std::max(width, static_cast<int>(t.size()) + 6);
    std::printf("  forward, each node's value in the order it is computed:\n");
    for (std::size_t i = 0; i < steps.size(); ++i)
        std::printf("    %-*s = %8.4f\n", width, text[i].c_str(), steps[i].value + 0.0);  // + 0.0: no "-0"
    std::printf("  backward, the gradient flowing back into each node, from the output:\n");
    for (std::size_t i = steps.size(); i-- > 0;) {
        if (!steps[i].differentiated) continue;  // constants have no gradient
        std::string d = "d";  // (built with += : g++ 12 warns falsely on "literal" + string)
        d += out;
        d += "/d[";
        d += text[i];
        d += "]";
        std::printf("    %-*s = %8.4f\n", width, d.c_str(), steps[i].adjoint + 0.0);
    }
}

int failures = 0;
void expect(const char* what, double got, double want, double tol = 1e-12) {
    if (!(std::fabs(got - want) <= tol)) {
        std::printf("MISMATCH: %s = %.17g, expected %.17g\n", what, got, want);
        ++failures;
    }
}

}  // namespace

int main() {
    using ctnn::var;
    constexpr auto x = var<0>{};

    // ---- 1. f(x, y, z) = (x + y) z ------------------------------------------
    {
        constexpr auto y = var<1>{};
        constexpr auto z = var<2>{};
        constexpr auto f = (x + y) * z;
        constexpr auto g = ctnn::grad(f, -2.0, 5.0, -4.0);
        static_assert(g.value == -12 && g.gradient[0] == -4 && g.gradient[1] == -4 && g.gradient[2] == 3);

        std::printf("1. f(x, y, z) = (x + y) z at x = -2, y = 5, z = -4\n");
        const auto t = ctnn::trace(f, -2.0, 5.0, -4.0);
        print_graph(t, {"x", "y", "z"}, "f");
        std::printf("  gradient [df/dx, df/dy, df/dz] = [%g, %g, %g]\n\n", g.gradient[0], g.gradient[1],
                    g.gradient[2]);
        expect("f", t.back().value, -12);
        expect("q = x + y", t[2].value, 3);
        expect("df/dq", t[2].adjoint, -4);
        expect("df/dx", g.gradient[0], -4);
        expect("df/dy", g.gradient[1], -4);
        expect("df/dz", g.gradient[2], 3);
    }

    // ---- 2. L(x, w, b) = log(1 / (e^-(xw + b) + 1)) ---------------------------
    {
        constexpr auto w = var<1>{};
        constexpr auto b = var<2>{};
        constexpr auto L = log(1 / (exp(-(x * w + b)) + 1));
        constexpr auto g = ctnn::grad(L, 2.0, -3.0, 6.0);
        static_assert(g.gradient[0] == -1.5 && g.gradient[1] == 1 && g.gradient[2] == 0.5);

        std::printf("2. L(x, w, b) = log(1 / (e^-(xw+b) + 1)) at x = 2, w = -3, b = 6\n");
        const auto t = ctnn::trace(L, 2.0, -3.0, 6.0);
        print_graph(t, {"x", "w", "b"}, "L");
        std::printf("  L = %.6f, gradient [dL/dx, dL/dw, dL/db] = [%g, %g, %g]\n\n", g.value, g.gradient[0],
                    g.gradient[1], g.gradient[2]);
        expect("L", g.value, -std::log(2.0));
        expect("dL/dx", g.gradient[0], -1.5);
        expect("dL/dw", g.gradient[1], 1.0);
        expect("dL/db", g.gradient[2], 0.5);
        expect("dL/d(xw + b)", t[5].adjoint, 0.5);  // 1 - sigmoid(0)
    }

    // ---- 3. one gradient step on L(x, y) = x² - y² - 2x + 5y ------------------
    {
        constexpr auto y = var<1>{};
        constexpr auto L = square(x) - square(y) - 2 * x + 5 * y;
        std::array<double, 2> theta = {2.0, 1.0};
        const auto g = ctnn::grad(L, theta);
        std::printf("3. L(x, y) = x^2 - y^2 - 2x + 5y: L(%g, %g) = %g, gradient [%g, %g]\n", theta[0], theta[1],
                    g.value, g.gradient[0], g.gradient[1]);
        expect("L(theta0)", g.value, 4);
        expect("dL/dx", g.gradient[0], 2);
        expect("dL/dy", g.gradient[1], 3);
        for (std::size_t i = 0; i < 2; ++i) theta[i] -= 0.1 * g.gradient[i];
        const double l1 = ctnn::eval(L, theta);
        std::printf("   after one step with rate 0.1: theta = [%g, %g], L = %g\n", theta[0], theta[1], l1);
        expect("theta1[0]", theta[0], 1.8);
        expect("theta1[1]", theta[1], 0.7);
        expect("L(theta1)", l1, 2.65);
    }

    if (failures) {
        std::printf("%d mismatch(es)\n", failures);
        return 1;
    }
    std::printf("all values and gradients match the lecture\n");
    return 0;
}
