// Learning an audio effect with a GRU, then running it live: the workflow of
// amp and pedal modelling (Neural Amp Modeler, RTNeural's users), in ctnn.
//
//   1. Synthesise a dry signal at 48 kHz (plucked notes, chords, a sweep,
//      noise bursts at changing levels) and the "pedal" to learn: a
//      pre-emphasis, an asymmetric tanh drive and a one-pole tone filter
//      (memory the model must learn).
//   2. Train Sequential<Input<T, 1>, GRU<16>, PerStep<Dense<1>>> on windows
//      of the recording with Adam (MSE), each window from a zero state.
//   3. Report the error-to-signal ratio (ESR = Σ(y - ŷ)² / Σy²) on held-out
//      audio the model never saw.
//   4. Copy the weights by name into the streaming network
//      Sequential<Input<1>, GRU<16>, Dense<1>> (one sample per call, the
//      GRU's state carried) and run the held-out audio through it sample by
//      sample, as an audio callback would (no allocation); check it equals
//      the whole-sequence model, print the real-time factor at 48 kHz, and the
//      same in blocks of 64 (forward_block).
//   5. Write input, target and output as WAV files (libsndfile, when built
//      with it) and a plot of a stretch of the three (gnuplot).
//
// Options: --quick (a short recording and few epochs: the test suite's
// mode), --out DIR.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

#if CTNN_EXAMPLE_SNDFILE
#include <sndfile.h>
#endif

#include "support.hpp"

using namespace ctnn;

namespace {
constexpr double rate = 48000;
constexpr std::size_t hidden = 16;
constexpr std::size_t steps = 512;  // a training window: 10.7 ms
constexpr std::size_t batch = 16;

using Model = Sequential<Input<steps, 1>, GRU<hidden>, PerStep<Dense<1>>>;  // training: windows
using Live = Sequential<Input<1>, GRU<hidden>, Dense<1>>;                   // streaming: one sample per call

/// A dry guitar-like signal: plucked notes and chords (decaying harmonics),
/// a sine sweep and noise bursts, at levels from quiet to loud.
std::vector<float> dry_signal(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<float> x(n, 0.0f);
    const double pi = 3.14159265358979323846;
    std::size_t t = 0;
    while (t < n) {
        const std::size_t len = std::size_t(rate * (0.08 + 0.3 * rng.uniform()));
        const double level = 0.05 + 0.85 * rng.uniform() * rng.uniform();
        const int kind = int(rng.below(4));
        const int voices = kind == 1 ? 3 : 1;
        double f0[3];
        for (double& f : f0) f = 82.4 * std::pow(2.0, std::floor(36 * rng.uniform()) / 12);  // E2 and up
        for (std::size_t i = 0; i < len && t + i < n; ++i) {
            const double s = double(i) / rate, env = std::exp(-s * 4.0);
            double v = 0;
            if (kind <= 1) {
                for (int k = 0; k < voices; ++k)
                    for (int h = 1; h <= 5; ++h)
                        v += std::sin(2 * pi * f0[k] * (1 + 0.5 * k) * h * s) * env / (h * voices);
            } else if (kind == 2) {
                v = std::sin(2 * pi * (80 * s + 900 * s * s)) * 0.7;
            } else {
                v = (rng.uniform() * 2 - 1) * env;
            }
            x[t + i] += float(level * v);
        }
        t += len;
    }
    return x;
}

/// The effect to learn: pre-emphasis, asymmetric drive, one-pole tone filter.
std::vector<float> pedal(const std::vector<float>& x) {
    std::vector<float> y(x.size());
    double prev_x = 0, tone = 0;
    const double bias = 0.35, drive = 6.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double u = double(x[i]) - 0.6 * prev_x;  // emphasise highs before the drive
        prev_x = x[i];
        const double v = std::tanh(drive * u + bias) - std::tanh(bias);
        tone = 0.7 * tone + 0.3 * v;  // darken after it
        y[i] = float(0.5 * tone);
    }
    return y;
}

double esr(const float* y, const float* yhat, std::size_t n) {
    double e = 0, s = 0;
    for (std::size_t i = 0; i < n; ++i) {
        e += (double(y[i]) - yhat[i]) * (double(y[i]) - yhat[i]);
        s += double(y[i]) * y[i];
    }
    return e / s;
}

#if CTNN_EXAMPLE_SNDFILE
void write_wav(const std::filesystem::path& path, const std::vector<float>& v) {
    SF_INFO info{};
    info.samplerate = int(rate);
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error(path.string() + ": " + sf_strerror(nullptr));
    sf_write_float(f, v.data(), sf_count_t(v.size()));
    sf_close(f);
}
#endif
}  // namespace

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    simd::FlushDenormals ftz;
    examples::Checks checks;

    const std::size_t train_n = std::size_t(rate * (opt.quick ? 3 : 12)), test_n = std::size_t(rate * 2);
    const auto x_train = dry_signal(train_n, 1), y_train = pedal(x_train);
    const auto x_test = dry_signal(test_n, 2), y_test = pedal(x_test);
    const auto windows = train::windows<steps, 1, 1>(x_train.data(), y_train.data(), train_n, steps / 2);
    std::printf("amp model: %.1f s of audio for training (%zu windows of %zu samples), %.1f s held out\n",
                double(train_n) / rate, windows.size(), steps, double(test_n) / rate);
    Model::summary(std::cout);

    // ---- train ----
    auto model = std::make_unique<Model>();
    init::torch_default(*model, 3);
    auto adam = std::make_unique<optim::Adam<Model>>(optim::adam_config<false>{.lr = 4e-3});
    const std::size_t epochs = opt.quick ? 4 : 60;
    examples::Csv curve(opt, "amp_model_loss.csv", "epoch,train_mse");
    const auto h = train::fit<MSE, batch>(*model, *adam, windows, nullptr,
                                          {.epochs = epochs,
                                           .seed = 5,
                                           .schedule = optim::cosine_lr{.t_max = epochs},
                                           .clip_norm = 1.0,
                                           .progress = train::progress_mode::epochs,
                                           .out = &std::cout,
                                           .on_epoch = [&](const train::epoch_stats& s) {
                                               curve.row(s.epoch + 1, s.train.loss);
                                           }});
    curve.close();

    // ---- held-out audio through the whole-sequence model, window after window, state carried ----
    const std::size_t whole = test_n / steps * steps;
    std::vector<float> y_seq(whole);
    {
        Model::state_type state{};
        Model::input_type xw;
        for (std::size_t first = 0; first < whole; first += steps) {
            std::copy(x_test.begin() + std::ptrdiff_t(first), x_test.begin() + std::ptrdiff_t(first + steps),
                      xw.data());
            const auto yw = model->forward(xw, state);
            std::copy(yw.data(), yw.data() + steps, y_seq.begin() + std::ptrdiff_t(first));
        }
    }
    const double test_esr = esr(y_test.data(), y_seq.data(), whole);
    std::printf("held-out ESR: %.4f (%.1f dB)\n", test_esr, 10 * std::log10(test_esr));

    // ---- the same weights, live: one sample per call ----
    auto live = std::make_unique<Live>();
    model->for_each_param([&](const std::string& name, const param_info& info, const float* data) {
        live->for_each_param([&](const std::string& n2, const param_info&, float* to) {
            if (n2 == name) std::copy(data, data + info.size(), to);
        });
    });
    std::vector<float> y_live(whole);
    Live::state_type voice{};
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < whole; ++i) {
        const Tensor<float, 1> in{x_test[i]};
        y_live[i] = live->forward(in, voice)(0);
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double max_diff = 0;
    for (std::size_t i = 0; i < whole; ++i) max_diff = std::max(max_diff, double(std::abs(y_live[i] - y_seq[i])));
    std::printf("streaming: %.1f ns per sample, %.0fx real time at 48 kHz; max |live - sequence| = %.2e\n",
                1e9 * sec / double(whole), double(whole) / rate / sec, max_diff);

    // in blocks of 64, as an audio callback gets them
    constexpr std::size_t block = 64;
    std::vector<float> y_block(whole);
    Live::state_type voice2{};
    Tensor<float, block, 1> xb;
    Tensor<float, block, 1> yb;
    const auto t1 = std::chrono::steady_clock::now();
    for (std::size_t first = 0; first < whole; first += block) {
        const std::size_t n = std::min(block, whole - first);
        std::copy(x_test.begin() + std::ptrdiff_t(first), x_test.begin() + std::ptrdiff_t(first + n), xb.data());
        live->forward_block(xb, yb, voice2, n);
        std::copy(yb.data(), yb.data() + n, y_block.begin() + std::ptrdiff_t(first));
    }
    const double sec_block = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    std::printf("blocks of %zu: %.1f ns per sample, %.0fx real time\n", block, 1e9 * sec_block / double(whole),
                double(whole) / rate / sec_block);

    checks.expect(h.epochs.back().train.loss < h.epochs.front().train.loss, "training lowers the loss");
    checks.expect(test_esr < (opt.quick ? 0.2 : 0.02),
                  examples::format("held-out ESR %.4f below %.2f", test_esr, opt.quick ? 0.2 : 0.02));
    checks.expect(max_diff < 1e-4, "streaming equals the whole-sequence model (within 1e-4)");
    checks.expect(y_block == y_live, "blocks of 64 equal single samples bit for bit");

    // ---- files ----
#if CTNN_EXAMPLE_SNDFILE
    if (!opt.quick) {
        write_wav(opt.out / "amp_input.wav", std::vector<float>(x_test.begin(), x_test.begin() + std::ptrdiff_t(whole)));
        write_wav(opt.out / "amp_target.wav",
                  std::vector<float>(y_test.begin(), y_test.begin() + std::ptrdiff_t(whole)));
        write_wav(opt.out / "amp_output.wav", y_live);
        std::printf("wrote amp_input.wav, amp_target.wav, amp_output.wav to %s\n", opt.out.c_str());
    }
#else
    std::printf("built without libsndfile: no WAV files (./scripts/setup.sh audio, then rebuild)\n");
#endif
    {
        // a probe for the eye: a loud 220 Hz pluck through the pedal and the model (a fresh stream)
        const std::size_t len = std::size_t(rate * 0.02);
        std::vector<float> probe(len);
        for (std::size_t i = 0; i < len; ++i) {
            const double s = double(i) / rate;
            probe[i] = float(0.6 * std::sin(2 * 3.14159265358979323846 * 220 * s) * std::exp(-40 * s));
        }
        const auto probe_target = pedal(probe);
        Live::state_type fresh{};
        examples::Csv wave(opt, "amp_model_wave.csv", "ms,input,target,model");
        for (std::size_t i = 0; i < len; ++i) {
            const Tensor<float, 1> in{probe[i]};
            wave.row(1000.0 * double(i) / rate, probe[i], probe_target[i], live->forward(in, fresh)(0));
        }
        wave.close();
    }
    examples::plot(opt, "amp_model",
                   "set multiplot layout 1,2\n"
                   "set title 'training loss (MSE)'; set xlabel 'epoch'; set logscale y\n"
                   "plot 'amp_model_loss.csv' using 1:2 skip 1 with linespoints title 'train'\n"
                   "unset logscale y; set title 'a 220 Hz pluck (not in the training data)'; set xlabel 'ms'\n"
                   "plot 'amp_model_wave.csv' using 1:2 skip 1 with lines title 'input', "
                   "'' using 1:3 skip 1 with lines lw 2 title 'target (pedal)', "
                   "'' using 1:4 skip 1 with lines dt 2 lw 2 title 'GRU-16 (streaming)'\n"
                   "unset multiplot\n");
    return checks.exit_code();
}
