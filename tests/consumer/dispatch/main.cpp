// Built for plain x86-64: runs the model at each level this CPU has and
// checks it against a double-precision forward pass, and the model baked in
// by ctnn_embed_header against the floats its weights give by hand.
#include <cmath>
#include <cstdio>
#include <string>

#include "model.hpp"
#include "model_type.hpp"  // the baked weights' values (find_package/)

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
    // The baked model, 4 → 8 ReLU → 2: weights are multiples of 1/8, so every
    // level computes these floats exactly.
    const float bx[4] = {0.5f, -1.0f, 0.25f, 2.0f};
    float bh[8], bexpected[2];
    for (std::size_t o = 0; o < 8; ++o) {
        float z = b1(o);
        for (std::size_t i = 0; i < 4; ++i) z += w1(o, i) * bx[i];
        bh[o] = z > 0 ? z : 0;
    }
    for (std::size_t o = 0; o < 2; ++o) {
        bexpected[o] = b2(o);
        for (std::size_t j = 0; j < 8; ++j) bexpected[o] += w2(o, j) * bh[j];
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
        float by[2];
        const char* barch = "";
        run_baked(bx, by, &barch);
        const bool bok = by[0] == bexpected[0] && by[1] == bexpected[1] && std::string(barch) == expected_arch[int(l)];
        std::printf("%s: %s ran the baked model on %s: [%g, %g], expected [%g, %g]\n", bok ? "ok" : "FAILED",
                    ctnn::dispatch::name(l), barch, double(by[0]), double(by[1]), double(bexpected[0]),
                    double(bexpected[1]));
        failures += !bok;
        ++ran;
    }
    return failures == 0 && ran > 0 ? 0 : 1;
}
