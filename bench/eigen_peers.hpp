#pragma once
/// \file eigen_peers.hpp
/// The hand-written Eigen peers shared by the network (net.cpp) and training
/// (train.cpp) benchmarks, and the helpers that find a layer's weights in a
/// ctnn parameter buffer. A ctnn weight [out, in] row-major is an Eigen
/// column-major [in, out] matrix over the same bytes, so the peers compute
/// the numpy program's `X·W + b` on ctnn's own parameters.

#include <cmath>
#include <cstddef>

#include <Eigen/Core>

namespace ctnn_bench {

/// The root chain's child I's weight [out, in] (row-major) and bias in a
/// network's parameter (or gradient) buffer.
template <class Net, std::size_t I>
float* weight_in(float* base) {
    return base + Net::root::template param_offsets<float>[I];
}
template <class Net, std::size_t I>
float* bias_in(float* base) {
    return base + Net::root::template param_offsets<float>[I] + Net::root::template child<I>::template bias_at<float>;
}

/// The flops one training step performs per sample: forward, and backward
/// without the input gradient of the first layer (Sequential::backward
/// skips it when no dx is asked for; `flops_backward` counts it).
template <class Net>
constexpr double train_flops_per_sample() {
    using L0 = typename Net::root::template child<0>;
    return double(Net::flops_forward + Net::flops_backward) -
           2.0 * double(L0::in_shape::size) * double(L0::out_shape::size);
}

/// Buffers of the 784 → 128 ReLU → 10 peer for a batch of B.
template <int B>
struct MnistScratch {
    Eigen::Matrix<float, B, 128> h, dh;
    Eigen::Matrix<float, B, 10> z, dz;
};

/// 784 → 128 ReLU → 10, softmax cross-entropy (mean) with class labels:
/// forward, loss, backward into the gradient maps. Returns the loss.
template <int B, class X, class P, class G, class Labels>
float mnist_forward_backward(const X& x, const P& p, G& g, const Labels& labels, MnistScratch<B>& s) {
    // forward
    s.h.noalias() = x * p.w1;
    s.h = (s.h.rowwise() + p.b1).cwiseMax(0.0f);
    s.z.noalias() = s.h * p.w2;
    s.z.rowwise() += p.b2;
    // softmax cross-entropy: loss = mean(logsumexp(z) - z[label]), dz = (softmax - onehot) / B
    const Eigen::Matrix<float, B, 1> m = s.z.rowwise().maxCoeff();
    s.dz = (s.z.colwise() - m).array().exp().matrix();
    const Eigen::Matrix<float, B, 1> sum = s.dz.rowwise().sum();
    float total = 0;
    for (int r = 0; r < B; ++r) total += m[r] + std::log(sum[r]) - s.z(r, labels[std::size_t(r)]);
    s.dz.array().colwise() /= sum.array();
    for (int r = 0; r < B; ++r) s.dz(r, labels[std::size_t(r)]) -= 1.0f;
    s.dz *= 1.0f / float(B);
    // backward
    g.w2.noalias() = s.h.transpose() * s.dz;
    g.b2 = s.dz.colwise().sum();
    s.dh.noalias() = s.dz * p.w2.transpose();
    s.dh = s.dh.cwiseProduct((s.h.array() > 0.0f).template cast<float>().matrix());
    g.w1.noalias() = x.transpose() * s.dh;
    g.b1 = s.dh.colwise().sum();
    return total / float(B);
}

/// Maps of the 784 → 128 → 10 parameters (or gradients) in a ctnn buffer.
template <class Net, class Scalar>
struct MnistMaps {
    template <int R, int C>
    using M = Eigen::Map<std::conditional_t<std::is_const_v<Scalar>, const Eigen::Matrix<float, R, C>,
                                            Eigen::Matrix<float, R, C>>,
                         Eigen::Aligned64>;
    M<784, 128> w1;
    M<1, 128> b1;
    M<128, 10> w2;
    M<1, 10> b2;
    explicit MnistMaps(float* base)
        : w1(weight_in<Net, 0>(base)), b1(bias_in<Net, 0>(base)), w2(weight_in<Net, 1>(base)),
          b2(bias_in<Net, 1>(base)) {}
};

/// The lecture's numpy program, one iteration without the update:
/// h = sigmoid(x·w1), y_pred = h·w2, loss = Σ (y_pred − y)², and the
/// gradients of w1 and w2. Returns the loss.
template <class X, class Y, class W1, class W2, class H, class YP, class GW1, class GW2>
float seed_forward_backward(const X& x, const Y& y, const W1& w1, const W2& w2, H& h, H& grad_h, YP& y_pred,
                            YP& grad_y_pred, GW1& grad_w1, GW2& grad_w2) {
    h = (1.0f + (-(x * w1).array()).exp()).inverse().matrix();
    y_pred.noalias() = h * w2;
    const float loss = (y_pred - y).squaredNorm();
    grad_y_pred = 2.0f * (y_pred - y);
    grad_w2.noalias() = h.transpose() * grad_y_pred;
    grad_h.noalias() = grad_y_pred * w2.transpose();
    grad_w1.noalias() = x.transpose() * (grad_h.array() * h.array() * (1.0f - h.array())).matrix();
    return loss;
}

}  // namespace ctnn_bench
