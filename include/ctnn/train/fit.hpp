#pragma once
/// \file fit.hpp
/// The training loop: epochs of shuffled batches, each a `train::step`;
/// metrics on the training and validation sets; a learning-rate schedule;
/// gradient clipping; early stopping when the validation loss stops
/// improving (the lecture: "stop when the error stops decreasing"),
/// restoring the best epoch's weights; a progress line (progress.hpp); and
/// the loss curve as CSV. Checkpoints every N batches: train/checkpoint.hpp.
///
/// ```cpp
/// auto adam = std::make_unique<optim::Adam<Mlp>>();
/// train::history h = train::fit<SoftmaxCrossEntropy, 64>(*net, *adam, train_set, &val_set,
///                                                         {.epochs = 10, .seed = 1, .patience = 3});
/// train::metrics m = train::evaluate<SoftmaxCrossEntropy, 256>(*net, test_set);
/// ```
///
/// Everything a run needs (workspace, gradients, batch buffers, the copy of
/// the best weights) is allocated once before the first batch; the batches
/// themselves never allocate. The same seed and data give bitwise the same
/// trained weights, run after run: the shuffling and dropout draw from
/// ctnn's own RNG, and every kernel sums in a fixed order.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <system_error>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/error.hpp"
#include "../loss/loss_common.hpp"
#include "../net/network.hpp"
#include "../net/sequential.hpp"
#include "../optim/clip.hpp"
#include "dataset.hpp"
#include "metrics.hpp"
#include "progress.hpp"
#include "step.hpp"

namespace ctnn::train {

/// Loss (mean per sample) and accuracy (classification only, else NaN).
struct metrics {
    double loss = std::numeric_limits<double>::quiet_NaN();
    double accuracy = std::numeric_limits<double>::quiet_NaN();
};

struct epoch_stats {
    std::size_t epoch = 0;  ///< 0-based
    double lr = 0;
    metrics train{};
    metrics validation{};  ///< NaN without a validation set
    double seconds = 0;    ///< training time of the epoch (not evaluation)
    double samples_per_second = 0;
};

struct fit_options {
    std::size_t epochs = 10;
    /// Seeds the shuffling and the dropout masks.
    std::uint64_t seed = 0;
    bool shuffle = true;
    /// Drop a last partial batch (kept by default).
    bool drop_last = false;
    /// Early stopping: stop after this many epochs without the validation
    /// loss (the training loss without a validation set) improving by more
    /// than `min_delta`; 0 never stops early.
    std::size_t patience = 0;
    double min_delta = 0;
    /// With early stopping, end with the weights of the best epoch.
    bool restore_best = true;
    /// The learning rate of each epoch from the optimizer's base rate
    /// (e.g. `optim::cosine_lr{.t_max = 10}`); empty keeps it constant.
    std::function<double(std::size_t epoch, double base_lr)> schedule{};
    /// Clip gradients to this global norm before each update; 0 = off.
    double clip_norm = 0;
    /// For a network with state (recurrent layers, causal convolutions):
    /// false (the default) starts every batch from the initial state
    /// (independent sequences); true carries `ws.state` from batch to batch
    /// within an epoch, so row `b` of batch `k + 1` continues row `b` of
    /// batch `k`: truncated backpropagation through time over windows cut in
    /// order from `B` long streams (`train::stream_windows`, `shuffle =
    /// false`). Each epoch starts from the initial state; a run resumed
    /// mid-epoch from a checkpoint restarts the carried state from it too.
    bool carry_state = false;
    progress_mode progress = progress_mode::automatic;
    std::ostream* out = &std::cerr;
    /// Write the loss curve here (one row per epoch); empty = no file.
    std::string csv{};
    /// Called after each epoch with its statistics (e.g. to evaluate a test
    /// set); its time is not counted in the epoch's.
    std::function<void(const epoch_stats&)> on_epoch{};
    /// Called after each batch with its epoch and index in the epoch (after
    /// any checkpoint of that batch): a test stops a run here by throwing.
    std::function<void(std::size_t epoch, std::size_t batch)> on_batch{};
};

struct history {
    std::vector<epoch_stats> epochs;  ///< the epochs this call ran
    std::size_t best_epoch = 0;       ///< the run's best epoch (0-based, counted from the run's start)
    bool stopped_early = false;
};

/// Where a run of `fit` stands between epochs. With the network's and the
/// optimizer's state (a checkpoint: io/checkpoint.hpp stores all three), it
/// is enough to resume the run bit for bit: pass it to `fit` again.
template <class T>
struct run_state {
    std::size_t epoch = 0;                       ///< epochs completed
    std::size_t batch = 0;                       ///< batches of epoch `epoch` completed (a mid-epoch checkpoint)
    std::array<std::uint64_t, 4> sampler_rng{};  ///< the shuffling stream, before epoch `epoch`'s shuffle
    std::array<std::uint64_t, 4> dropout_rng{};  ///< the dropout masks' stream
    double best_value = std::numeric_limits<double>::infinity();
    std::size_t best_epoch = 0;
    std::size_t since_best = 0;
    bool stopped_early = false;
    double loss_sum = 0;   ///< the running mean of epoch `epoch` so far (mid-epoch)
    std::size_t hits = 0;
    std::size_t rows = 0;
    std::vector<T> best{};  ///< the best epoch's weights (early stopping with restore_best)

    /// The scalars as text, for a checkpoint's metadata (keys `run.*`).
    std::map<std::string, std::string> to_map() const {
        auto words = [](const std::array<std::uint64_t, 4>& a) {
            std::string out;
            for (auto w : a) {  // appended, not `" " + ...`: g++ 12 -O3 warns falsely there (-Wrestrict, PR 105329)
                if (!out.empty()) out += ' ';
                out += std::to_string(w);
            }
            return out;
        };
        auto hex = [](double v) {  // exact
            char text[40];
            std::snprintf(text, sizeof text, "%a", v);
            return std::string(text);
        };
        return {{"run.epoch", std::to_string(epoch)},           {"run.sampler_rng", words(sampler_rng)},
                {"run.dropout_rng", words(dropout_rng)},        {"run.best_value", hex(best_value)},
                {"run.best_epoch", std::to_string(best_epoch)}, {"run.since_best", std::to_string(since_best)},
                {"run.stopped_early", stopped_early ? "1" : "0"}, {"run.batch", std::to_string(batch)},
                {"run.loss_sum", hex(loss_sum)},                {"run.hits", std::to_string(hits)},
                {"run.rows", std::to_string(rows)}};
    }
    /// Reads what `to_map` wrote; throws `ctnn::error` naming a missing or
    /// malformed key, and leaves this state unchanged then. The mid-epoch
    /// keys (`run.batch`, ...) are optional: a state saved between epochs by
    /// an older ctnn has none.
    void from_map(const std::map<std::string, std::string>& m) {
        auto get = [&](const char* key) -> const std::string& {
            const auto it = m.find(key);
            if (it == m.end()) throw error(std::string("run state: missing '") + key + "'");
            return it->second;
        };
        auto number = [&](const char* key) {
            const std::string& v = get(key);
            std::uint64_t x = 0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
            if (ec != std::errc() || end != v.data() + v.size())
                throw error(std::string("run state: '") + key + "' is not a number: '" + v + "'");
            return x;
        };
        auto words = [&](const char* key) {
            const std::string& v = get(key);
            std::array<std::uint64_t, 4> a{};
            const char* p = v.data();
            const char* end = v.data() + v.size();
            for (auto& w : a) {
                while (p < end && *p == ' ') ++p;
                const auto [next, ec] = std::from_chars(p, end, w);
                if (ec != std::errc()) throw error(std::string("run state: '") + key + "' needs four numbers: '" + v + "'");
                p = next;
            }
            if (p != end) throw error(std::string("run state: '") + key + "' needs four numbers: '" + v + "'");
            return a;
        };
        run_state r;
        r.epoch = number("run.epoch");
        r.sampler_rng = words("run.sampler_rng");
        r.dropout_rng = words("run.dropout_rng");
        auto real = [&](const char* key) {
            const std::string& v = get(key);
            char* end = nullptr;
            const double x = std::strtod(v.c_str(), &end);
            if (v.empty() || end != v.c_str() + v.size())
                throw error(std::string("run state: '") + key + "' is not a number: '" + v + "'");
            return x;
        };
        r.best_value = real("run.best_value");
        if (m.contains("run.batch")) {
            r.batch = number("run.batch");
            r.loss_sum = real("run.loss_sum");
            r.hits = number("run.hits");
            r.rows = number("run.rows");
        }
        r.best_epoch = number("run.best_epoch");
        r.since_best = number("run.since_best");
        r.stopped_early = number("run.stopped_early") != 0;
        r.best = std::move(best);
        *this = std::move(r);
    }
};

namespace detail {
template <class Ds, std::size_t B>
struct batch_targets {
    using type = Labels<B>;
};
template <class Ds, std::size_t B>
    requires(!Ds::classification)
struct batch_targets<Ds, B> {
    using type = tensor_for_t<typename Ds::value_type, typename net_detail::batched<B, typename Ds::target_type>::type>;
};

/// The buffers of one batch: inputs and targets, gathered from a dataset.
template <class Net, class Ds, std::size_t B>
struct batch_buffers {
    typename Net::template input_batch<B> x;
    typename batch_targets<Ds, B>::type t;
};

template <class Net, class Ds>
inline constexpr bool sample_fits = Ds::sample_size == Net::in_shape::size;

template <class Net, class Ds>
constexpr void check_dataset() noexcept {
    static_assert(sample_fits<Net, Ds>, "ctnn: the dataset's samples must have the network's input size");
    static_assert(std::is_same_v<typename Net::value_type, typename Ds::value_type>,
                  "ctnn: the dataset must hold the network's value type");
}

inline std::string format_metrics(const char* label, const metrics& m) {
    char buf[96];
    if (std::isnan(m.loss)) return {};
    if (std::isnan(m.accuracy))
        std::snprintf(buf, sizeof buf, "  %s loss %.4f", label, m.loss);
    else
        std::snprintf(buf, sizeof buf, "  %s loss %.4f acc %.2f%%", label, m.loss, 100 * m.accuracy);
    return buf;
}

/// Back to the initial state of a stateful network's streams (nothing for others).
template <class Workspace>
void reset_state(Workspace& ws) noexcept {
    if constexpr (requires { ws.state.reset(); }) ws.state.reset();
}

inline std::string csv_number(double v) {
    if (std::isnan(v)) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}
}  // namespace detail

/// Loss and accuracy of `net` over all of `data`, in batches of `B`
/// (inference mode: no dropout).
template <class Loss, std::size_t B, Network Net, class Ds>
metrics evaluate(const Net& net, const Ds& data) {
    detail::check_dataset<Net, Ds>();
    auto ws = std::make_unique<typename Net::template workspace<B>>();
    auto buf = std::make_unique<detail::batch_buffers<Net, Ds, B>>();
    std::vector<std::size_t> idx(B);
    running_mean acc;
    for (std::size_t first = 0; first < data.size(); first += B) {
        const std::size_t n = std::min(B, data.size() - first);
        for (std::size_t i = 0; i < n; ++i) idx[i] = first + i;
        gather(data, std::span<const std::size_t>(idx.data(), n), buf->x, buf->t);
        detail::reset_state(*ws);  // independent sequences
        net.forward(buf->x, *ws);
        const double loss = double(Loss::compute(ws->output(), buf->t, ws->output_grad(), n));
        std::size_t hits = 0;
        if constexpr (Ds::classification) hits = correct(ws->output(), buf->t, n);
        acc.add(loss, n, hits);
    }
    metrics m;
    if (acc.rows == 0) return m;
    m.loss = acc.loss();
    if constexpr (Ds::classification) m.accuracy = acc.accuracy();
    return m;
}

namespace detail {
/// `fit`'s loop; `save(state)`, when set, writes a checkpoint after every
/// epoch and every `every` batches (0: epochs only). train/checkpoint.hpp
/// sets it: `fit` alone never instantiates the file formats (measured:
/// saving and loading a checkpoint add ~2 s and ~3 s to a translation unit).
template <class Loss, std::size_t B, Network Net, class Opt, class Ds>
history fit_loop(Net& net, Opt& opt, const Ds& train_set, const Ds* validation, const fit_options& o,
                 run_state<typename Net::value_type>* state, std::size_t every,
                 const std::function<void(const run_state<typename Net::value_type>&)>& save) {
    detail::check_dataset<Net, Ds>();
    using T = typename Net::value_type;
    if (train_set.empty()) throw error("fit: the training set is empty");
    std::ofstream csv;
    if (!o.csv.empty()) {
        // a resumed run continues the curve an earlier run wrote
        const bool resumed = state && (state->epoch > 0 || state->batch > 0);
        const bool append = resumed && std::ifstream(o.csv).good();
        csv.open(o.csv, append ? std::ios::app : std::ios::trunc);
        if (!csv) throw error(o.csv + ": cannot open the loss-curve file for writing");
        if (!append) csv << "epoch,lr,train_loss,train_accuracy,val_loss,val_accuracy,seconds,samples_per_second\n";
    }
    auto ws = std::make_unique<typename Net::template workspace<B>>();
    ws->rng.reseed(o.seed ^ 0x9E3779B97F4A7C15ull);
    auto g = std::make_unique<typename Net::gradients>();
    auto buf = std::make_unique<detail::batch_buffers<Net, Ds, B>>();
    Sampler sampler(train_set.size(), B, o.seed, o.shuffle, o.drop_last);
    run_state<T> own;
    run_state<T>& st = state ? *state : own;
    if (st.epoch == 0 && st.batch == 0) {  // a fresh run
        st = run_state<T>{};
        st.sampler_rng = sampler.rng().state();
        st.dropout_rng = ws->rng.state();
    }
    sampler.rng().set_state(st.sampler_rng);
    ws->rng.set_state(st.dropout_rng);
    const bool keep_best = o.patience > 0 && o.restore_best;
    if (keep_best && st.best.size() != Net::param_storage) st.best.assign(net.params(), net.params() + Net::param_storage);
    progress bar(*o.out, o.progress, o.epochs);
    history h;
    h.best_epoch = st.best_epoch;
    h.stopped_early = st.stopped_early;
    std::size_t since_checkpoint = 0;
    for (std::size_t epoch = st.epoch; epoch < o.epochs && !st.stopped_early; ++epoch) {
        if (o.schedule) opt.config.lr = o.schedule(epoch, opt.base_lr());
        sampler.new_epoch();  // from st.sampler_rng: a resumed epoch gets its order again
        bar.start_epoch(epoch, sampler.batches());
        running_mean run{st.loss_sum, st.hits, st.rows};  // zero but in a resumed epoch
        detail::reset_state(*ws);
        for (std::size_t k = st.batch; k < sampler.batches(); ++k) {
            if (!o.carry_state) detail::reset_state(*ws);
            const auto idx = sampler.batch(k);
            const std::size_t n = gather(train_set, idx, buf->x, buf->t);
            const double loss = double(gradients<Loss>(net, *ws, *g, buf->x, buf->t, n));
            std::size_t hits = 0;
            if constexpr (Ds::classification) hits = correct(ws->output(), buf->t, n);
            if (o.clip_norm > 0) optim::clip_grad_norm(*g, o.clip_norm);
            opt.step(net, *g);
            run.add(loss, n, hits);
            bar.batch(k, run.rows, run.loss());
            if (save && every > 0 && ++since_checkpoint == every) {
                since_checkpoint = 0;
                st.batch = k + 1;  // the sampler's stream stays at the epoch's start
                st.dropout_rng = ws->rng.state();
                st.loss_sum = run.loss_sum;
                st.hits = run.hits;
                st.rows = run.rows;
                save(st);
            }
            if (o.on_batch) o.on_batch(epoch, k);
        }
        st.batch = 0;
        st.loss_sum = 0;
        st.hits = st.rows = 0;
        epoch_stats s;
        s.epoch = epoch;
        s.lr = opt.config.lr;
        s.seconds = bar.seconds();
        s.samples_per_second = s.seconds > 0 ? double(run.rows) / s.seconds : 0;
        s.train.loss = run.loss();
        if constexpr (Ds::classification) s.train.accuracy = run.accuracy();
        if (validation && !validation->empty()) s.validation = evaluate<Loss, B>(net, *validation);
        h.epochs.push_back(s);

        char head[96];
        std::snprintf(head, sizeof head, "epoch %zu/%zu", epoch + 1, o.epochs);
        char tail[96];
        std::snprintf(tail, sizeof tail, "  lr %.3g  %.2f s  %.0f samples/s", s.lr, s.seconds, s.samples_per_second);
        bar.end_epoch(head + detail::format_metrics("train", s.train) + detail::format_metrics("val", s.validation) +
                      tail);
        if (csv.is_open()) {
            csv << epoch + 1 << ',' << detail::csv_number(s.lr) << ',' << detail::csv_number(s.train.loss) << ','
                << detail::csv_number(s.train.accuracy) << ',' << detail::csv_number(s.validation.loss) << ','
                << detail::csv_number(s.validation.accuracy) << ',' << detail::csv_number(s.seconds) << ','
                << detail::csv_number(s.samples_per_second) << '\n'
                << std::flush;
            if (!csv) throw error(o.csv + ": writing the loss curve failed");
        }
        const double value = std::isnan(s.validation.loss) ? s.train.loss : s.validation.loss;
        if (value < st.best_value - o.min_delta) {
            st.best_value = value;
            st.best_epoch = epoch;
            st.since_best = 0;
            if (keep_best) std::copy(net.params(), net.params() + Net::param_storage, st.best.begin());
        } else if (o.patience > 0 && ++st.since_best >= o.patience) {
            st.stopped_early = true;
            if (keep_best) std::copy(st.best.begin(), st.best.end(), net.params());
        }
        st.epoch = epoch + 1;
        st.sampler_rng = sampler.rng().state();
        st.dropout_rng = ws->rng.state();
        h.best_epoch = st.best_epoch;
        h.stopped_early = st.stopped_early;
        if (save) save(st);
        if (o.on_epoch) o.on_epoch(s);
    }
    return h;
}
}  // namespace detail

/// Trains `net` with `opt` on `train_set` in batches of `B`; evaluates on
/// `validation` (may be null) after each epoch. Returns the per-epoch
/// statistics. Throws `ctnn::error` if the CSV file cannot be written (before
/// any training) or the training set is empty.
///
/// With `state`, the run starts where `*state` says (its `epoch` or `batch`
/// > 0: a resumed run, the network and optimizer restored by the caller) and
/// `*state` is brought up to date after each epoch, before `on_epoch` is
/// called. Resuming gives bitwise the weights of training straight through.
/// For checkpoints that `fit` writes itself, every N batches, and resuming
/// from one, see train/checkpoint.hpp.
/// `fit<64, Loss>`: the template arguments the wrong way round.
template <std::size_t B, class Loss, class... Args>
history fit(Args&&...) {
    static_assert(!std::is_same_v<Loss, Loss>,
                  "ctnn: fit takes the loss first, then the batch size: fit<SoftmaxCrossEntropy, 64>(net, opt, data, ...)");
    return {};
}

template <class Loss, std::size_t B, Network Net, class Opt, class Ds>
history fit(Net& net, Opt& opt, const Ds& train_set, std::type_identity_t<const Ds*> validation,
            const fit_options& o = {}, run_state<typename Net::value_type>* state = nullptr) {
    return detail::fit_loop<Loss, B>(net, opt, train_set, validation, o, state, 0, {});
}

}  // namespace ctnn::train
