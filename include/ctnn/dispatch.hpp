#pragma once
/// \file dispatch.hpp
/// Run-time CPU dispatch: one binary built for plain x86-64 runs the
/// AVX-512, AVX2 or SSE2 build of the code that owns and calls a network,
/// chosen once by what the CPU (and the OS) supports.
///
/// The choice is made per network call, not per kernel: CMake's
/// `ctnn_add_dispatch(target SOURCES model.cpp)` compiles model.cpp three
/// times (`-march=x86-64`, `-march=x86-64-v3`, `-march=x86-64-v4`), each time
/// with `CTNN_DISPATCH_LEVEL=<level>` and `ctnn=ctnn_<level>`, so every level
/// has its own copy of ctnn's templates with static sizes and its own
/// instruction set. The user's functions in model.cpp go inside
/// `namespace CTNN_DISPATCH_NAMESPACE { ... }` (a per-level name); a shared
/// header declares each entry point once:
///
/// ```cpp
/// // model.hpp (no ctnn types in these signatures: they differ per level)
/// #include <ctnn/dispatch.hpp>
/// namespace app {
/// CTNN_DISPATCH_DECLARE(classify, int(const float* image));
/// }
/// // model.cpp (compiled per level by ctnn_add_dispatch)
/// #include "model.hpp"
/// #include <ctnn/net.hpp>
/// namespace app::CTNN_DISPATCH_NAMESPACE {
/// int classify(const float* image) { ... a ctnn network ... }
/// }
/// // main.cpp (plain x86-64)
/// int k = app::classify(pixels);  // runs the level selected() names
/// ```
///
/// The level: `force(l)` if called, else the environment variable
/// `CTNN_DISPATCH=sse2|avx2|avx512` (read once), else `detected()`.

#include <atomic>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if !defined(ctnn)
#include "core/error.hpp"
#endif

#if defined(CTNN_DISPATCH_LEVEL) && !defined(ctnn)
#error "ctnn: a dispatched source must be compiled through ctnn_add_dispatch() (it defines ctnn=ctnn_<level>)"
#endif

// A dispatched source is compiled with `-Dctnn=ctnn_<level>`; the selection
// state below must be one for the whole program, so this header names the
// real `ctnn` namespace whatever the macro says.
#pragma push_macro("ctnn")
#undef ctnn

namespace ctnn::dispatch {

/// The instruction-set levels: x86-64 (SSE2), x86-64-v3 (AVX2, FMA, BMI1/2,
/// F16C, MOVBE, LZCNT), x86-64-v4 (AVX-512 F, BW, CD, DQ, VL).
enum class level { sse2 = 0, avx2 = 1, avx512 = 2 };

inline constexpr level levels[] = {level::sse2, level::avx2, level::avx512};

/// "sse2", "avx2" or "avx512".
constexpr const char* name(level l) noexcept {
    switch (l) {
    case level::avx2:
        return "avx2";
    case level::avx512:
        return "avx512";
    default:
        return "sse2";
    }
}

/// The `-march` of a level ("x86-64", "x86-64-v3", "x86-64-v4").
constexpr const char* march(level l) noexcept {
    switch (l) {
    case level::avx2:
        return "x86-64-v3";
    case level::avx512:
        return "x86-64-v4";
    default:
        return "x86-64";
    }
}

}  // namespace ctnn::dispatch

// The selection itself is for the baseline code only (where `ctnn` is not
// renamed): a level's source sees the enum, `name`, `march` and its own
// `compiled` level (ctnn::error would be a per-level type there).
#pragma pop_macro("ctnn")
#if !defined(ctnn)
namespace ctnn::dispatch {

namespace detail {
#if defined(__x86_64__) || defined(__i386__)
constexpr bool bit(unsigned r, int i) noexcept { return (r >> i) & 1u; }

/// The highest level whose every feature the CPU has and the OS saves.
inline level detect() noexcept {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return level::sse2;
    const unsigned c1 = c;
    // v2: SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, CMPXCHG16B; v3 adds FMA, MOVBE,
    // F16C, AVX (with OSXSAVE: the OS saves the registers).
    const bool v2 = bit(c1, 0) && bit(c1, 9) && bit(c1, 19) && bit(c1, 20) && bit(c1, 23) && bit(c1, 13);
    const bool v3_leaf1 = bit(c1, 12) && bit(c1, 22) && bit(c1, 29) && bit(c1, 28) && bit(c1, 27);
    if (!v2 || !v3_leaf1) return level::sse2;
    unsigned xcr0_lo = 0, xcr0_hi = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 0x6u) != 0x6u) return level::sse2;  // XMM and YMM state
    if (!__get_cpuid(0x80000001u, &a, &b, &c, &d) || !bit(c, 0) || !bit(c, 5))  // LAHF/SAHF, LZCNT
        return level::sse2;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return level::sse2;
    const unsigned b7 = b;
    if (!(bit(b7, 3) && bit(b7, 5) && bit(b7, 8))) return level::sse2;  // BMI1, AVX2, BMI2
    const bool v4 = bit(b7, 16) && bit(b7, 17) && bit(b7, 28) && bit(b7, 30) && bit(b7, 31);  // F DQ CD BW VL
    if (v4 && (xcr0_lo & 0xE6u) == 0xE6u) return level::avx512;  // + opmask and ZMM state
    return level::avx2;
}
#else
inline level detect() noexcept { return level::sse2; }
#endif

/// -1: not chosen yet; else the level's number.
inline std::atomic<int> chosen{-1};

inline level parse(std::string_view s) {
    for (level l : levels)
        if (s == name(l)) return l;
    throw error("CTNN_DISPATCH='" + std::string(s) + "' is not a level (use sse2, avx2 or avx512)");
}
}  // namespace detail

/// The highest level this CPU and OS support (computed once).
inline level detected() noexcept {
    static const level l = detail::detect();
    return l;
}

/// True when this machine can run code compiled for `l`.
inline bool supported(level l) noexcept { return static_cast<int>(l) <= static_cast<int>(detected()); }

/// Runs `l` from now on (tests and benchmarks). Throws `ctnn::error`
/// when this CPU cannot run it.
inline void force(level l) {
    if (!supported(l))
        throw error(std::string("dispatch level ") + name(l) + " (-march=" + march(l) +
                                ") is not supported by this CPU (it has " + name(detected()) + ")");
    detail::chosen.store(static_cast<int>(l), std::memory_order_relaxed);
}

/// The level every dispatched call runs: the forced one, else `CTNN_DISPATCH`
/// from the environment (read on the first call), else `detected()`.
inline level selected() {
    const int c = detail::chosen.load(std::memory_order_relaxed);
    if (c >= 0) [[likely]]
        return static_cast<level>(c);
    level l = detected();
    if (const char* env = std::getenv("CTNN_DISPATCH"); env != nullptr && *env != '\0') {
        l = detail::parse(env);
        if (!supported(l))
            throw error(std::string("CTNN_DISPATCH=") + env + " (-march=" + march(l) +
                                    ") is not supported by this CPU (it has " + name(detected()) + ")");
    }
    int expected = -1;
    detail::chosen.compare_exchange_strong(expected, static_cast<int>(l), std::memory_order_relaxed);
    return static_cast<level>(detail::chosen.load(std::memory_order_relaxed));
}

/// A dispatched entry point: the three levels' functions; a call runs the
/// selected level's (one relaxed atomic load and an indirect call).
template <class Sig>
struct entry;
template <class R, class... Args, bool NoExcept>
struct entry<R(Args...) noexcept(NoExcept)> {
    R (*by_level[3])(Args...) noexcept(NoExcept);
    R operator()(Args... args) const { return by_level[static_cast<int>(selected())](std::forward<Args>(args)...); }
};

}  // namespace ctnn::dispatch
#endif
#pragma push_macro("ctnn")
#undef ctnn

#define CTNN_DISPATCH_DETAIL_CAT2(a, b) a##b
#define CTNN_DISPATCH_DETAIL_CAT(a, b) CTNN_DISPATCH_DETAIL_CAT2(a, b)

#if defined(CTNN_DISPATCH_LEVEL)
/// The namespace of the user's functions in a dispatched source (one per level).
#define CTNN_DISPATCH_NAMESPACE CTNN_DISPATCH_DETAIL_CAT(ctnn_dispatch_, CTNN_DISPATCH_LEVEL)
// In a level's source `ctnn::dispatch` names the one program-wide selection.
namespace CTNN_DISPATCH_DETAIL_CAT(ctnn_, CTNN_DISPATCH_LEVEL)::dispatch {
using ::ctnn::dispatch::level;
using ::ctnn::dispatch::levels;
using ::ctnn::dispatch::march;
using ::ctnn::dispatch::name;
/// The level this source was compiled for.
inline constexpr level compiled = level::CTNN_DISPATCH_LEVEL;
}  // namespace CTNN_DISPATCH_DETAIL_CAT(ctnn_, CTNN_DISPATCH_LEVEL)::dispatch
/// In a level's source: only the level's own declaration.
#define CTNN_DISPATCH_DECLARE(fn, ...)                                                                                \
    namespace CTNN_DISPATCH_NAMESPACE {                                                                               \
    extern ::std::type_identity_t<__VA_ARGS__> fn;                                                                    \
    }                                                                                                                 \
    static_assert(true)
#else
/// Declares `fn` with signature `...` (a function type) at each level and
/// defines the dispatcher `fn(args...)` that calls the selected level's.
/// Use at namespace scope of a header shared by the dispatched sources and
/// the rest of the program; the signature must not contain ctnn types.
#define CTNN_DISPATCH_DECLARE(fn, ...)                                                                                \
    namespace ctnn_dispatch_sse2 {                                                                                    \
    extern ::std::type_identity_t<__VA_ARGS__> fn;                                                                    \
    }                                                                                                                 \
    namespace ctnn_dispatch_avx2 {                                                                                    \
    extern ::std::type_identity_t<__VA_ARGS__> fn;                                                                    \
    }                                                                                                                 \
    namespace ctnn_dispatch_avx512 {                                                                                  \
    extern ::std::type_identity_t<__VA_ARGS__> fn;                                                                    \
    }                                                                                                                 \
    inline constexpr ::ctnn::dispatch::entry<__VA_ARGS__> fn {                                                        \
        { &ctnn_dispatch_sse2::fn, &ctnn_dispatch_avx2::fn, &ctnn_dispatch_avx512::fn }                               \
    }
#endif

#pragma pop_macro("ctnn")
