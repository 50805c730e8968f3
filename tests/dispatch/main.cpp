/// \file main.cpp
/// The dispatch test's baseline code (plain x86-64): runs the model of
/// model.cpp at each level this CPU has — forced one after another, or the
/// one `CTNN_DISPATCH` names — and checks, at each level, that the level's
/// own code ran (its compiled level and xsimd architecture), the forward pass
/// against a double-precision reference, the gradients against finite
/// differences of that reference, the Adam update, and agreement between
/// levels. Prints "N passed, N failed"; exits 77 (skipped) when
/// `CTNN_DISPATCH` names a level this CPU lacks.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "model.hpp"

namespace {

using namespace dispatch_test;
using ctnn::dispatch::level;

int passed = 0, failed = 0;

void check(bool ok, const std::string& what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAILED: %s\n", what.c_str());
    }
}

struct Data {
    std::vector<float> params = std::vector<float>(param_count);
    std::vector<float> x = std::vector<float>(batch * in);
    std::array<int, batch> labels{};
};

Data make_data() {
    Data d;
    std::mt19937 rng(15);
    std::uniform_real_distribution<float> w(-0.4f, 0.4f), u(-1.5f, 1.5f);
    for (float& p : d.params) p = w(rng);
    for (float& v : d.x) v = u(rng);
    for (std::size_t r = 0; r < batch; ++r) d.labels[r] = int((r * 3 + 1) % out);
    return d;
}

/// The network in double: logits [batch, out].
std::vector<double> ref_logits(const std::vector<double>& p, const std::vector<float>& x) {
    const double* w1 = p.data();
    const double* b1 = w1 + hidden * in;
    const double* w2 = b1 + hidden;
    const double* b2 = w2 + out * hidden;
    std::vector<double> y(batch * out), h(hidden);
    for (std::size_t r = 0; r < batch; ++r) {
        for (std::size_t j = 0; j < hidden; ++j) {
            double s = b1[j];
            for (std::size_t i = 0; i < in; ++i) s += w1[j * in + i] * double(x[r * in + i]);
            h[j] = std::tanh(s);
        }
        for (std::size_t k = 0; k < out; ++k) {
            double s = b2[k];
            for (std::size_t j = 0; j < hidden; ++j) s += w2[k * hidden + j] * h[j];
            y[r * out + k] = s;
        }
    }
    return y;
}

/// Mean softmax cross-entropy in double.
double ref_loss(const std::vector<double>& p, const Data& d) {
    const auto y = ref_logits(p, d.x);
    double total = 0;
    for (std::size_t r = 0; r < batch; ++r) {
        const double* row = y.data() + r * out;
        const double m = *std::max_element(row, row + out);
        double s = 0;
        for (std::size_t k = 0; k < out; ++k) s += std::exp(row[k] - m);
        total += m + std::log(s) - row[d.labels[r]];
    }
    return total / double(batch);
}

std::vector<double> widen(const std::vector<float>& v) { return {v.begin(), v.end()}; }

/// What one level computed.
struct Result {
    std::vector<float> y = std::vector<float>(batch * out);
    std::vector<float> grads = std::vector<float>(param_count);
    std::vector<float> updated;
    float loss = 0;
};

const char* expected_arch(level l) {
    switch (l) {
    case level::avx512:
        return "avx512bw";
    case level::avx2:
        return "fma3+avx2";
    default:
        return "sse2";
    }
}

/// Runs and checks the selected level; `first` (if any) is another level's result.
Result run_level(level l, const Data& d, const Result* first) {
    const std::string at = std::string(" at ") + ctnn::dispatch::name(l);
    check(ctnn::dispatch::selected() == l, "selected() is the level" + at);
    check(compiled_level() == l, "the code that ran was compiled for the level" + at);
    check(std::string(arch_name()) == expected_arch(l),
          std::string("xsimd's architecture is ") + expected_arch(l) + at + " (got " + arch_name() + ")");

    Result r;
    forward(d.params.data(), d.x.data(), r.y.data());
    const auto p = widen(d.params);
    const auto ref = ref_logits(p, d.x);
    double err = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) err = std::max(err, std::abs(double(r.y[i]) - ref[i]));
    check(err < 2e-6, "forward matches the double reference" + at + " (max error " + std::to_string(err) + ")");

    auto sorted = r.y;
    std::sort(sorted.begin(), sorted.end());
    check(median_logit(r.y.data()) == sorted[sorted.size() / 2], "median_logit is the middle logit" + at);

    r.updated = d.params;
    r.loss = train_step(r.updated.data(), d.x.data(), d.labels.data(), r.grads.data());
    check(std::abs(double(r.loss) - ref_loss(p, d)) < 2e-6, "the training step's loss matches the reference" + at);
    // ∂loss/∂θ by central differences of the double reference.
    double gerr = 0, uerr = 0;
    auto q = p;
    for (std::size_t i = 0; i < param_count; ++i) {
        const double h = 1e-5;
        q[i] = p[i] + h;
        const double up = ref_loss(q, d);
        q[i] = p[i] - h;
        const double down = ref_loss(q, d);
        q[i] = p[i];
        const double fd = (up - down) / (2 * h);
        gerr = std::max(gerr, std::abs(double(r.grads[i]) - fd) / (1e-3 + std::abs(fd)));
        // Adam's first step moves each parameter by lr·g/(|g| + eps).
        const double g = r.grads[i];
        const double moved = p[i] - double(adam_lr) * g / (std::abs(g) + 1e-8);
        uerr = std::max(uerr, std::abs(double(r.updated[i]) - moved));
    }
    check(gerr < 1e-4, "gradients match finite differences" + at + " (max relative error " + std::to_string(gerr) + ")");
    check(uerr < 1e-6, "the Adam update is lr·g/(|g|+eps)" + at + " (max error " + std::to_string(uerr) + ")");

    if (first != nullptr) {
        double dy = 0, dg = 0;
        for (std::size_t i = 0; i < r.y.size(); ++i) dy = std::max(dy, double(std::abs(r.y[i] - first->y[i])));
        for (std::size_t i = 0; i < param_count; ++i)
            dg = std::max(dg, double(std::abs(r.grads[i] - first->grads[i])) / (1e-3 + std::abs(first->grads[i])));
        check(dy < 2e-6 && dg < 2e-5, "the level agrees with the first level to rounding" + at);
    }
    std::printf("%-6s ran %-10s forward error %.2e, gradient error %.2e, update error %.2e\n",
                ctnn::dispatch::name(l), arch_name(), err, gerr, uerr);
    return r;
}

}  // namespace

int main() {
    const Data d = make_data();
    const char* env = std::getenv("CTNN_DISPATCH");
    std::printf("detected: %s\n", ctnn::dispatch::name(ctnn::dispatch::detected()));
    if (env != nullptr && *env != '\0') {
        // One level, chosen by the environment.
        level l{};
        try {
            l = ctnn::dispatch::selected();
        } catch (const ctnn::error& e) {
            std::printf("%s\n", e.what());
            return ctnn::dispatch::detected() == level::avx512 ? 1 : 77;  // only a lacking CPU may skip
        }
        check(std::string(ctnn::dispatch::name(l)) == env, std::string("CTNN_DISPATCH=") + env + " selects it");
        run_level(l, d, nullptr);
    } else {
        check(ctnn::dispatch::selected() == ctnn::dispatch::detected(), "without CTNN_DISPATCH the detected level runs");
        Result first;
        bool have_first = false;
        for (level l : ctnn::dispatch::levels) {
            if (!ctnn::dispatch::supported(l)) {
                bool threw = false;
                try {
                    ctnn::dispatch::force(l);
                } catch (const ctnn::error&) {
                    threw = true;
                }
                check(threw, std::string("force(") + ctnn::dispatch::name(l) + ") throws on a CPU without it");
                std::printf("%-6s skipped: this CPU lacks it\n", ctnn::dispatch::name(l));
                continue;
            }
            ctnn::dispatch::force(l);
            Result r = run_level(l, d, have_first ? &first : nullptr);
            if (!have_first) first = std::move(r), have_first = true;
        }
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
