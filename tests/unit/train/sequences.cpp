// Sequence data and stateful training: windows cut from a long signal, B
// streams side by side for truncated BPTT, and fit's carry_state.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "../../../examples/one_pole.hpp"

using namespace ctnn;

namespace {
std::vector<float> ramp(std::size_t n, float scale) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = scale * float(i);
    return v;
}
}  // namespace

TEST_CASE("windows cuts [Steps, F] samples every hop steps", "[train][sequence]") {
    const std::size_t length = 23;
    const auto x = ramp(2 * length, 1.0f);  // F = 2: step t is (2t, 2t + 1)
    const auto y = ramp(length, -1.0f);     // O = 1
    const auto d = train::windows<5, 2, 1>(x.data(), y.data(), length, 3);
    STATIC_REQUIRE(std::is_same_v<decltype(d)::sample_shape, Shape<5, 2>>);
    STATIC_REQUIRE(std::is_same_v<decltype(d)::target_type, Shape<5, 1>>);
    REQUIRE(d.size() == 7);  // starts 0, 3, ..., 18 (18 + 5 = 23)
    for (std::size_t k = 0; k < d.size(); ++k)
        for (std::size_t t = 0; t < 5; ++t) {
            REQUIRE(d.input(k)[2 * t] == float(2 * (3 * k + t)));
            REQUIRE(d.input(k)[2 * t + 1] == float(2 * (3 * k + t) + 1));
            REQUIRE(d.target(k)[t] == -float(3 * k + t));
        }
    REQUIRE_THROWS_WITH((train::windows<5, 2, 1>(x.data(), y.data(), 4, 1)),
                        "ctnn: windows: a signal of 4 steps is shorter than one window of 5");
    REQUIRE_THROWS_WITH((train::windows<5, 2, 1>(x.data(), y.data(), length, 0)),
                        "ctnn: windows: the hop must be positive, got 0");
}

TEST_CASE("stream_windows interleaves B streams so batches continue each other row by row", "[train][sequence]") {
    const std::size_t length = 50;  // 3 streams of 16 steps (2 windows of 8); 2 steps dropped
    const auto x = ramp(length, 1.0f);
    const auto y = ramp(length, 0.5f);
    const auto d = train::stream_windows<8, 3, 1, 1>(x.data(), y.data(), length);
    REQUIRE(d.size() == 6);
    for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t b = 0; b < 3; ++b)
            for (std::size_t t = 0; t < 8; ++t) {
                const std::size_t step = b * 16 + k * 8 + t;
                REQUIRE(d.input(k * 3 + b)[t] == float(step));
                REQUIRE(d.target(k * 3 + b)[t] == 0.5f * float(step));
            }
    REQUIRE_THROWS_WITH((train::stream_windows<8, 7, 1, 1>(x.data(), y.data(), length)),
                        "ctnn: stream_windows: 50 steps make no window of 8 steps in each of 7 streams");
}

TEST_CASE("fit resets the state before every batch, or carries it with carry_state", "[train][sequence]") {
    // A one-pole filter y = a·y_prev + (1 - a)·x per stream, its coefficient
    // frozen (learning rate 0): the epoch's loss is the mean of (y - t)² with
    // y computed from rest in every batch, or carried from the row's
    // previous batch; computed here by hand.
    using Net = Sequential<Input<1>, examples::OnePole>;
    constexpr std::size_t B = 2, n = 10;
    const double a = 0.75;
    train::Dataset<float, Shape<1>, Shape<1>> data;
    for (std::size_t i = 0; i < n; ++i) {
        const float x = float(std::sin(0.7 * double(i)) + 0.3), t = float(0.1 * double(i));
        data.push_back(&x, &t);
    }
    auto expected = [&](bool carry) {
        double prev[B] = {0, 0}, sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t b = i % B;
            const double yv = (carry ? a * prev[b] : 0.0) + (1 - a) * double(data.input(i)[0]);
            prev[b] = yv;
            sum += (yv - double(data.target(i)[0])) * (yv - double(data.target(i)[0]));
        }
        return sum / double(n);
    };
    for (const bool carry : {false, true}) {
        auto net = std::make_unique<Net>();
        net->param<"0.coefficient">()(0) = float(a);
        optim::SGD<Net> sgd({.lr = 0.0});
        const auto h = train::fit<MSE, B>(*net, sgd, data, nullptr,
                                          {.epochs = 2, .shuffle = false, .carry_state = carry,
                                           .progress = train::progress_mode::silent});
        REQUIRE(h.epochs.size() == 2);
        // every epoch starts from the initial state: both epochs see the same loss
        for (const auto& e : h.epochs) REQUIRE(e.train.loss == Approx(expected(carry)).epsilon(1e-6));
    }
    REQUIRE(std::abs(expected(true) - expected(false)) > 0.05);  // the two cases differ
}
