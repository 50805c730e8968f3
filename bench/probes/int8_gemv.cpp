// Stand-alone probe (not part of the build): where the int8 GEMV 128x784's
// time goes, one variant of the kernel at a time, all in one binary beside
// read loops over the same bytes (the floor). Every variant that computes
// the product is checked against a scalar reference before timing.
//   g++ -std=c++20 -O3 -march=native -DNDEBUG -Iinclude bench/probes/int8_gemv.cpp -lbenchmark -lpthread -o /tmp/probe_int8
//   taskset -c 1 /tmp/probe_int8 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Variants (docs/design.md, "int8 at batch 1: where the time went"):
//  - rows/*: the layout before (W row-major, rows padded to 832 bytes, tiles
//    of 16 rows, one 16-way transposing reduction per tile):
//    `loop` is that kernel as it was (g++ 12 copies the 16 accumulators
//    twice per k iteration and spills one), `unrolled` the k loop unrolled
//    at compile time (no copies), `unrolled_no_reduction` the same with the
//    reduction replaced by 15 xors (timing only), `unrolled_prefetch` with a
//    software prefetch 256 bytes ahead per load;
//  - cols/*: the column-quad layout (`simd::quant::int8_at`): `library` is
//    `simd::quant::gemv_int8` (4 tiles x 4 chains), `4x4_intrinsic` the same
//    loop with the intrinsic instead of the inline asm, `8x2` 8 tiles x 2 chains;
//  - floor/*: the weight bytes of each layout read sequentially (8 sums,
//    one add per 64 bytes), and the rows in the kernel's order;
//  - quantize/*: the input's 784 floats to uint8 as before (4 vpmovdb per 64
//    bytes) and as now (packs and one permutation).
#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <utility>

#include <ctnn/simd/quant.hpp>

namespace {

namespace q = ctnn::simd::quant;
constexpr std::size_t Out = 128, In = 784, W = q::int8_in<In>, row_bytes = Out * W;
constexpr std::size_t quads = In / 4, tiles = Out / 16, tile_bytes = quads * 64, col_bytes = tiles * tile_bytes;
static_assert(col_bytes == q::int8_weight_bytes<Out, In>);

struct Data {
    alignas(64) std::int8_t rows[row_bytes];  // row-major, rows padded to W
    alignas(64) std::int8_t cols[col_bytes];  // column quads
    alignas(64) std::uint8_t x[W];
    alignas(64) float xf[In];
    alignas(64) std::uint8_t xq[W];
    alignas(64) std::int32_t corr[Out];
    alignas(64) float scale[Out], bias[Out], y[Out], ref[Out];
    Data() {
        std::mt19937 rng(1);
        for (std::size_t o = 0; o < Out; ++o)
            for (std::size_t i = 0; i < W; ++i) {
                rows[o * W + i] = i < In ? std::int8_t(int(rng() % 255) - 127) : 0;
                if (i < In) cols[q::int8_at<In>(o, i)] = rows[o * W + i];
            }
        for (std::size_t i = 0; i < W; ++i) x[i] = i < In ? std::uint8_t(rng() % 256) : 0;
        for (std::size_t i = 0; i < In; ++i) xf[i] = float(rng() % 1000) / 999.0f;
        for (std::size_t o = 0; o < Out; ++o) {
            corr[o] = int(rng() % 1000);
            scale[o] = 1e-4f * float(1 + rng() % 100);
            bias[o] = 0.01f * float(int(rng() % 200) - 100);
            std::int32_t acc = 0;
            for (std::size_t i = 0; i < In; ++i) acc += std::int32_t(x[i]) * rows[o * W + i];
            ref[o] = std::fma(float(acc - corr[o]), scale[o], bias[o]);
        }
    }
};
Data* d = nullptr;

CTNN_INLINE void epilogue(__m512i s, std::size_t r0, float* y) noexcept {
    const __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(s, _mm512_load_si512(d->corr + r0)));
    _mm512_storeu_ps(y + r0, _mm512_fmadd_ps(f, _mm512_load_ps(d->scale + r0), _mm512_load_ps(d->bias + r0)));
}
CTNN_INLINE __m512i reduce(const __m512i* acc) noexcept {
    __m512 bits[16];
    for (int r = 0; r < 16; ++r) bits[r] = _mm512_castsi512_ps(acc[r]);
    return _mm512_castps_si512(q::detail::reduce16(bits, [](__m512 a, __m512 b) {
        return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(a), _mm512_castps_si512(b)));
    }));
}

// ---- rows ----

/// The kernel before this change, as it was.
void rows_loop(const std::int8_t* w, const std::uint8_t* x, float* y) noexcept {
    for (std::size_t r0 = 0; r0 < Out; r0 += 16) {
        __m512i acc[16];
        for (auto& a : acc) a = _mm512_setzero_si512();
        for (std::size_t k = 0; k < W; k += 64) {
            const __m512i xv = _mm512_load_si512(x + k);
            for (std::size_t r = 0; r < 16; ++r)
                acc[r] = _mm512_dpbusd_epi32(acc[r], xv, _mm512_load_si512(w + (r0 + r) * W + k));
        }
        epilogue(reduce(acc), r0, y);
    }
}

template <int Pf>
CTNN_INLINE void tile_unrolled(const std::int8_t* w, const std::uint8_t* x, __m512i* acc) noexcept {
    [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
        (
            [&]() CTNN_INLINE_LAMBDA {
                const __m512i xv = _mm512_load_si512(x + K * 64);
                for (std::size_t r = 0; r < 16; ++r) {
                    if constexpr (Pf > 0) _mm_prefetch(reinterpret_cast<const char*>(w + r * W + K * 64) + Pf, _MM_HINT_T0);
                    acc[r] = _mm512_dpbusd_epi32(acc[r], xv, _mm512_load_si512(w + r * W + K * 64));
                }
            }(),
            ...);
    }(std::make_index_sequence<W / 64>{});
}
template <int Pf, bool Reduce = true>
void rows_unrolled(const std::int8_t* w, const std::uint8_t* x, float* y) noexcept {
    for (std::size_t r0 = 0; r0 < Out; r0 += 16) {
        __m512i acc[16];
        for (auto& a : acc) a = _mm512_setzero_si512();
        tile_unrolled<Pf>(w + r0 * W, x, acc);
        if constexpr (Reduce) {
            epilogue(reduce(acc), r0, y);
        } else {  // timing only
            __m512i s = acc[0];
            for (int r = 1; r < 16; ++r) s = _mm512_xor_si512(s, acc[r]);
            _mm512_storeu_si512(y + r0, s);
        }
    }
}

// ---- cols ----

template <std::size_t G, std::size_t C, bool Asm>
void cols(const std::int8_t* w, const std::uint8_t* x, float* y) noexcept {
    static_assert(tiles % G == 0 && quads % C == 0);
    for (std::size_t t0 = 0; t0 < tiles; t0 += G) {
        __m512i acc[G][C];
        for (auto& a : acc)
            for (auto& b : a) b = _mm512_setzero_si512();
        const std::int8_t* base = w + t0 * tile_bytes;
        for (std::size_t j = 0; j < quads; j += C)
            for (std::size_t c = 0; c < C; ++c) {
                std::int32_t xj;
                std::memcpy(&xj, x + 4 * (j + c), 4);
                const __m512i xv = _mm512_set1_epi32(xj);
                for (std::size_t g = 0; g < G; ++g) {
                    const std::int8_t* p = base + g * tile_bytes + (j + c) * 64;
                    if constexpr (Asm)
                        acc[g][c] = q::detail::dpbusd(acc[g][c], xv, p);
                    else
                        acc[g][c] = _mm512_dpbusd_epi32(acc[g][c], xv, _mm512_load_si512(p));
                }
            }
        for (std::size_t g = 0; g < G; ++g) {
            __m512i s = acc[g][0];
            for (std::size_t c = 1; c < C; ++c) s = _mm512_add_epi32(s, acc[g][c]);
            epilogue(s, (t0 + g) * 16, y);
        }
    }
}

// ---- floors ----

__m512i read_seq(const std::int8_t* w, std::size_t n) noexcept {  // n: a multiple of 512
    __m512i s[8];
    for (auto& v : s) v = _mm512_setzero_si512();
    for (std::size_t i = 0; i < n; i += 512)
        for (std::size_t j = 0; j < 8; ++j) s[j] = _mm512_add_epi32(s[j], _mm512_load_si512(w + i + 64 * j));
    for (int j = 1; j < 8; ++j) s[0] = _mm512_add_epi32(s[0], s[j]);
    return s[0];
}
__m512i read_rows_tiled(const std::int8_t* w) noexcept {
    __m512i s[16];
    for (auto& v : s) v = _mm512_setzero_si512();
    for (std::size_t r0 = 0; r0 < Out; r0 += 16)
        [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
            ((
                 [&]() CTNN_INLINE_LAMBDA {
                     for (std::size_t r = 0; r < 16; ++r)
                         s[r] = _mm512_add_epi32(s[r], _mm512_load_si512(w + (r0 + r) * W + K * 64));
                 }()),
             ...);
        }(std::make_index_sequence<W / 64>{});
    for (int j = 1; j < 16; ++j) s[0] = _mm512_add_epi32(s[0], s[j]);
    return s[0];
}

// ---- input quantization ----

/// `to_u8_n<784>` before this change (x in [0, 1], zero point 0).
void quantize_before(const float* x, std::uint8_t* out) noexcept {
    const __m512 s = _mm512_set1_ps(255.0f), lo = _mm512_set1_ps(0.0f), hi = _mm512_set1_ps(255.0f);
    const __m512i zp = _mm512_set1_epi32(0);
    for (std::size_t i = 0; i < W; i += 16) {
        const __mmask16 m = i >= In ? __mmask16(0) : i + 16 <= In ? __mmask16(0xffff) : __mmask16((1u << (In - i)) - 1u);
        __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), s);
        v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
        _mm_store_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(v), zp)));
    }
}
const q::u8_input pixels{1.0f / 255.0f, 255.0f, 0};

void check(const char* name, void (*f)(const std::int8_t*, const std::uint8_t*, float*), const std::int8_t* w) {
    std::memset(d->y, 0, sizeof d->y);
    f(w, d->x, d->y);
    if (std::memcmp(d->y, d->ref, sizeof d->y) != 0) {
        std::fprintf(stderr, "%s differs from the scalar reference\n", name);
        std::exit(1);
    }
}

template <class F>
void reg(const char* name, F f, double bytes) {
    benchmark::RegisterBenchmark(name, [f, bytes](benchmark::State& s) {
        for (auto _ : s) {
            f();
            benchmark::ClobberMemory();
        }
        if (bytes > 0) s.counters["GB/s"] = benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate);
    });
}

}  // namespace

int main(int argc, char** argv) {
    d = new Data;
    check("rows/loop", rows_loop, d->rows);
    check("rows/unrolled", rows_unrolled<0>, d->rows);
    check("rows/unrolled_prefetch", rows_unrolled<256>, d->rows);
    check("cols/library", [](const std::int8_t* w, const std::uint8_t* x, float* y) {
        q::gemv_int8<Out, In>(w, x, d->corr, d->scale, d->bias, y);
    }, d->cols);
    check("cols/4x4_intrinsic", cols<4, 4, false>, d->cols);
    check("cols/8x2", cols<8, 2, true>, d->cols);
    {
        alignas(64) std::uint8_t a[W], b[W];
        quantize_before(d->xf, a);
        q::to_u8_n<In>(d->xf, pixels, b);
        if (std::memcmp(a, b, W) != 0) return std::fprintf(stderr, "quantize differs\n"), 1;
    }
    const double rb = double(row_bytes), cb = double(col_bytes);
    reg("rows/loop", [] { rows_loop(d->rows, d->x, d->y); }, rb);
    reg("rows/unrolled", [] { rows_unrolled<0>(d->rows, d->x, d->y); }, rb);
    reg("rows/unrolled_no_reduction", [] { rows_unrolled<0, false>(d->rows, d->x, d->y); }, rb);
    reg("rows/unrolled_prefetch", [] { rows_unrolled<256>(d->rows, d->x, d->y); }, rb);
    reg("cols/library", [] { q::gemv_int8<Out, In>(d->cols, d->x, d->corr, d->scale, d->bias, d->y); }, cb);
    reg("cols/4x4_intrinsic", [] { cols<4, 4, false>(d->cols, d->x, d->y); }, cb);
    reg("cols/8x2", [] { cols<8, 2, true>(d->cols, d->x, d->y); }, cb);
    reg("floor/read_rows", [] { benchmark::DoNotOptimize(read_seq(d->rows, row_bytes)); }, rb);
    reg("floor/read_rows_tiled", [] { benchmark::DoNotOptimize(read_rows_tiled(d->rows)); }, rb);
    reg("floor/read_cols", [] { benchmark::DoNotOptimize(read_seq(d->cols, col_bytes)); }, cb);
    reg("quantize/before", [] { quantize_before(d->xf, d->xq); }, 0);
    reg("quantize/library", [] { q::to_u8_n<In>(d->xf, pixels, d->xq); }, 0);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
}
