// Uses ctnn the way a user does: a tensor and a GEMV. Returns nonzero when the
// result is wrong. 7 x 19 leaves SIMD tails on every architecture, and small
// integer values keep every float sum exact.
#include <ctnn/ctnn.hpp>

#include <cstddef>
#include <iostream>

int main() {
    constexpr std::size_t out = 7, in = 19;
    ctnn::Tensor<float, out, in> w;
    ctnn::Tensor<float, in> x;
    ctnn::Tensor<float, out> b, y, expected;
    for (std::size_t o = 0; o < out; ++o)
        for (std::size_t i = 0; i < in; ++i) w(o, i) = float(int((3 * o + 2 * i) % 7) - 3);
    for (std::size_t i = 0; i < in; ++i) x(i) = float(int(i % 5) - 2);
    for (std::size_t o = 0; o < out; ++o) {
        b(o) = float(o);
        expected(o) = b(o);
        for (std::size_t i = 0; i < in; ++i) expected(o) += w(o, i) * x(i);
    }

    ctnn::simd::gemv(w, x, y, ctnn::simd::epilogue::bias<float>{b.data()});
    if (!(y == expected)) {
        std::cerr << "gemv: got " << y << ", expected " << expected << '\n';
        return 1;
    }
    std::cout << "ctnn " << CTNN_VERSION_MAJOR << '.' << CTNN_VERSION_MINOR << ": gemv ok " << y << '\n';
    return 0;
}
