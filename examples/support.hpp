#pragma once
// What the examples share: the command line (--quick, --out DIR), CSV files,
// a gnuplot script rendered to a PNG when gnuplot is installed, the checks
// whose failure makes an example exit non-zero, and a N(0, σ²) initialiser.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/core/random.hpp>

namespace examples {

/// `--quick`: small sizes, no plot (the test suite's mode). `--out DIR`:
/// where CSV files and PNGs go (default: the working directory).
struct Options {
    bool quick = false;
    std::filesystem::path out = ".";
};

inline Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--quick") {
            o.quick = true;
        } else if (a == "--out" && i + 1 < argc) {
            o.out = argv[++i];
        } else {
            std::fprintf(stderr, "usage: %s [--quick] [--out DIR]\n", argv[0]);
            std::exit(2);
        }
    }
    std::filesystem::create_directories(o.out);
    return o;
}

/// printf into a std::string.
template <class... A>
std::string format(const char* f, A... args) {
    char buf[512];
    std::snprintf(buf, sizeof buf, f, args...);
    return buf;
}

/// A CSV file in the output directory: a header line, then rows of numbers.
/// `gap()` writes an empty line, which gnuplot reads as the end of a curve.
class Csv {
public:
    Csv(const Options& o, const std::string& name, const std::string& header)
        : path_(o.out / name), file_(path_) {
        if (!file_) throw std::runtime_error("cannot write " + path_.string());
        file_ << header << '\n';
    }
    template <class... V>
    void row(V... v) {
        const char* sep = "";
        ((file_ << sep << format("%.9g", double(v)), sep = ","), ...);
        file_ << '\n';
    }
    void gap() { file_ << '\n'; }
    /// Flushes and closes the file (before a plot reads it).
    void close() { file_.close(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::ofstream file_;
};

/// Writes `<name>.gp` (the script, run from the output directory, so it names
/// its CSV files without a directory) and renders `<name>.png` with gnuplot,
/// if it is installed. Skipped under --quick.
inline void plot(const Options& o, const std::string& name, const std::string& script,
                 const char* size = "1000,480") {
    if (o.quick) return;
    std::ofstream(o.out / (name + ".gp")) << "set terminal pngcairo size " << size << " font ',10'\n"
                                           << "set output '" << name << ".png'\n"
                                           << "set datafile separator ','\n"
                                           << script;
    if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
        std::printf("gnuplot not found: %s written, no PNG\n", (o.out / (name + ".gp")).c_str());
        return;
    }
    const std::string cmd = "cd '" + o.out.string() + "' && gnuplot " + name + ".gp";
    if (std::system(cmd.c_str()) == 0)
        std::printf("plot: %s\n", (o.out / (name + ".png")).c_str());
    else
        std::printf("gnuplot failed on %s\n", (o.out / (name + ".gp")).c_str());
}

/// The example's assertions: each prints its outcome; any failure makes the
/// exit code non-zero.
class Checks {
public:
    void expect(bool ok, const std::string& what) {
        std::printf("  [%s] %s\n", ok ? "ok" : "FAILED", what.c_str());
        failed_ += ok ? 0 : 1;
    }
    int exit_code() const {
        if (failed_ > 0) std::printf("%d check(s) FAILED\n", failed_);
        return failed_ == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    }

private:
    int failed_ = 0;
};

/// Every parameter (weights and biases) drawn from N(0, σ²), as numpy's
/// `randn` does; ctnn's init.hpp has only scaled initialisers.
template <class Net>
void init_normal(Net& net, std::uint64_t seed, double sigma) {
    using T = typename Net::value_type;
    ctnn::Rng rng(seed);
    net.for_each_param([&](const auto&, const auto& info, T* data) {
        for (std::size_t i = 0; i < info.size(); ++i) data[i] = T(sigma * rng.normal());
    });
}

/// Every parameter in PyTorch's order ("0.weight", "0.bias", ...), without
/// the padding of the network's buffer.
template <class Net>
std::vector<double> flat_params(const Net& net) {
    std::vector<double> v;
    net.for_each_param([&](const auto&, const auto& info, const auto* data) { v.insert(v.end(), data, data + info.size()); });
    return v;
}

}  // namespace examples
