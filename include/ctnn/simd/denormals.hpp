#pragma once
/// \file denormals.hpp
/// `FlushDenormals`: while alive, the FPU flushes denormal results to zero
/// (FTZ) and treats denormal inputs as zero (DAZ); the previous mode comes
/// back when it goes out of scope. Saturated sigmoids and vanishing
/// gradients produce denormals, and each costs a microcode assist: float
/// loops slow down by tens of percent. Per thread (the mode is a register).

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define CTNN_HAS_MXCSR 1
#else
#define CTNN_HAS_MXCSR 0
#endif

namespace ctnn::simd {

class FlushDenormals {
public:
    FlushDenormals() noexcept {
#if CTNN_HAS_MXCSR
        saved_ = _mm_getcsr();
        _mm_setcsr(saved_ | ftz | daz);
#endif
    }
    ~FlushDenormals() {
#if CTNN_HAS_MXCSR
        _mm_setcsr(saved_);
#endif
    }
    FlushDenormals(const FlushDenormals&) = delete;
    FlushDenormals& operator=(const FlushDenormals&) = delete;

    /// Whether flush-to-zero and denormals-are-zero are both on now.
    static bool active() noexcept {
#if CTNN_HAS_MXCSR
        return (_mm_getcsr() & (ftz | daz)) == (ftz | daz);
#else
        return false;
#endif
    }

private:
    static constexpr unsigned ftz = 0x8000;  // MXCSR.FZ
    static constexpr unsigned daz = 0x0040;  // MXCSR.DAZ
    unsigned saved_ = 0;
};

}  // namespace ctnn::simd

namespace ctnn {
using simd::FlushDenormals;
}  // namespace ctnn
