// Stand-alone probe (not part of the build): throughput of one AVX-512
// dot-product instruction with 16 independent accumulators in registers.
//   g++ -O3 -funroll-all-loops -march=native bench/probes/dot_throughput.cpp -o /tmp/probe
//   taskset -c 1 /tmp/probe
// Check with objdump that the accumulators stay in zmm registers (at -O2
// without unrolling g++ keeps them in memory: 3-4x slower, a wrong figure).
// Used in docs/design.md ("Baked quantized networks ...": the bf16 floor).
#include <immintrin.h>
#include <chrono>
#include <cstdio>
template <class F> double run(F f, long n) { auto t0 = std::chrono::steady_clock::now(); f(n); auto t1 = std::chrono::steady_clock::now(); return std::chrono::duration<double, std::nano>(t1 - t0).count() / (n * 16.0); }
int main() {
  volatile int sink = 0;
  auto vnni = [&](long n) { __m512i a[16]; for (int i = 0; i < 16; ++i) a[i] = _mm512_set1_epi32(i);
    __m512i x = _mm512_set1_epi8(1), y = _mm512_set1_epi8(2);
    for (long k = 0; k < n; ++k) { for (int i = 0; i < 16; ++i) a[i] = _mm512_dpbusd_epi32(a[i], x, y); __asm__ volatile("" : "+v"(x)); }
    __m512i s = a[0]; for (int i = 1; i < 16; ++i) s = _mm512_add_epi32(s, a[i]); sink = _mm512_reduce_add_epi32(s); };
  auto bf = [&](long n) { __m512 a[16]; for (int i = 0; i < 16; ++i) a[i] = _mm512_set1_ps(i);
    __m512bh x = (__m512bh)_mm512_set1_epi16(0x3f80), y = x;
    for (long k = 0; k < n; ++k) { for (int i = 0; i < 16; ++i) a[i] = _mm512_dpbf16_ps(a[i], x, y); __asm__ volatile("" : "+v"(x)); }
    __m512 s = a[0]; for (int i = 1; i < 16; ++i) s = _mm512_add_ps(s, a[i]); sink = (int)_mm512_reduce_add_ps(s); };
  auto fma = [&](long n) { __m512 a[16]; for (int i = 0; i < 16; ++i) a[i] = _mm512_set1_ps(i);
    __m512 x = _mm512_set1_ps(1.0f), y = x;
    for (long k = 0; k < n; ++k) { for (int i = 0; i < 16; ++i) a[i] = _mm512_fmadd_ps(a[i], x, y); __asm__ volatile("" : "+v"(x)); }
    __m512 s = a[0]; for (int i = 1; i < 16; ++i) s = _mm512_add_ps(s, a[i]); sink = (int)_mm512_reduce_add_ps(s); };
  for (int r = 0; r < 3; ++r)
    std::printf("ns/instr: vpdpbusd %.3f  vdpbf16ps %.3f  vfmadd %.3f\n", run(vnni, 20000000), run(bf, 20000000), run(fma, 20000000));
}
