#pragma once
/// \file progress.hpp
/// The progress display of a training run. On a terminal, one line redrawn
/// in place at most ten times a second: epoch, batch, samples/s, running
/// loss, ETA of the epoch. Otherwise (a pipe, a file, a CI log) nothing
/// until the epoch ends. Either way each epoch ends with one summary line.

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <string>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace ctnn::train {

enum class progress_mode { automatic, terminal, epochs, silent };

namespace detail {
inline bool is_terminal(const std::ostream& os) noexcept {
#if defined(__unix__) || defined(__APPLE__)
    if (&os == &std::cout) return ::isatty(1) != 0;
    if (&os == &std::cerr || &os == &std::clog) return ::isatty(2) != 0;
#endif
    (void)os;
    return false;
}
}  // namespace detail

class progress {
public:
    using clock = std::chrono::steady_clock;

    progress(std::ostream& os, progress_mode mode, std::size_t epochs) noexcept
        : os_(os), epochs_(epochs),
          mode_(mode == progress_mode::automatic
                    ? (detail::is_terminal(os) ? progress_mode::terminal : progress_mode::epochs)
                    : mode) {}

    progress_mode mode() const noexcept { return mode_; }

    void start_epoch(std::size_t epoch, std::size_t batches) noexcept {
        epoch_ = epoch;
        batches_ = batches;
        start_ = last_ = clock::now();
    }

    /// After batch `k` (0-based) of the epoch, `samples` seen so far.
    void batch(std::size_t k, std::size_t samples, double running_loss) {
        if (mode_ != progress_mode::terminal) return;
        const auto now = clock::now();
        if (now - last_ < std::chrono::milliseconds(100) && k + 1 != batches_) return;
        last_ = now;
        const double s = seconds(now);
        const double rate = s > 0 ? double(samples) / s : 0;
        const double eta = k + 1 > 0 ? s / double(k + 1) * double(batches_ - k - 1) : 0;
        char line[160];
        std::snprintf(line, sizeof line, "\repoch %zu/%zu  batch %zu/%zu  %.0f samples/s  loss %.4f  ETA %.1f s   ",
                      epoch_ + 1, epochs_, k + 1, batches_, rate, running_loss, eta);
        os_ << line << std::flush;
    }

    /// The epoch's summary line (replaces the progress line on a terminal).
    void end_epoch(const std::string& summary) {
        if (mode_ == progress_mode::silent) return;
        if (mode_ == progress_mode::terminal) os_ << "\r\033[K";
        os_ << summary << '\n' << std::flush;
    }

    double seconds() const noexcept { return seconds(clock::now()); }

private:
    double seconds(clock::time_point now) const noexcept {
        return std::chrono::duration<double>(now - start_).count();
    }
    std::ostream& os_;
    std::size_t epochs_;
    progress_mode mode_;
    std::size_t epoch_ = 0, batches_ = 0;
    clock::time_point start_{}, last_{};
};

}  // namespace ctnn::train
