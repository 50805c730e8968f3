// Built for plain x86-64: runs the model at each level this CPU has and
// checks it against a double-precision forward pass.
#include <cmath>
#include <cstdio>
#include <string>

#include "model.hpp"

int main() {
    using namespace consumer;
    float params[param_count], x[batch * in], y[batch * out];
    for (int i = 0; i < param_count; ++i) params[i] = float(std::sin(0.7 * i)) * 0.5f;
    for (int i = 0; i < batch * in; ++i) x[i] = float(std::cos(1.3 * i));
    double ref[batch * out];
    for (int r = 0; r < batch; ++r) {
        double h[hidden];
        for (int j = 0; j < hidden; ++j) {
            double s = params[hidden * in + j];
            for (int i = 0; i < in; ++i) s += double(params[j * in + i]) * x[r * in + i];
            h[j] = std::tanh(s);
        }
        const float* w2 = params + hidden * in + hidden;
        for (int k = 0; k < out; ++k) {
            double s = w2[out * hidden + k];
            for (int j = 0; j < hidden; ++j) s += double(w2[k * hidden + j]) * h[j];
            ref[r * out + k] = s;
        }
    }
    const char* expected_arch[] = {"sse2", "fma3+avx2", "avx512bw"};
    int failures = 0, ran = 0;
    for (ctnn::dispatch::level l : ctnn::dispatch::levels) {
        if (!ctnn::dispatch::supported(l)) continue;
        ctnn::dispatch::force(l);
        auto model = make_model(params);
        model->forward(x, y);
        double err = 0;
        for (int i = 0; i < batch * out; ++i) err = std::fmax(err, std::fabs(y[i] - ref[i]));
        const bool ok = err < 2e-6 && std::string(model->arch()) == expected_arch[int(l)];
        std::printf("%s: %s ran %s, max error %.2e\n", ok ? "ok" : "FAILED", ctnn::dispatch::name(l), model->arch(),
                    err);
        failures += !ok;
        ++ran;
    }
    return failures == 0 && ran > 0 ? 0 : 1;
}
