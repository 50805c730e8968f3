#pragma once
/// \file batchnorm_fold.hpp
/// The trait a linear layer's spec specialises to say that a BatchNorm
/// right after it can be folded into its weights (net/fold.hpp does it):
///
/// ```cpp
/// template <...> struct layers::batchnorm_fold<MyConv<...>> { using type = MyConv<...>; };
/// ```
///
/// `type` is the spec the pair becomes (the same spec, or one with a bias
/// when the layer had none). Its bound layer's parameter table must have a
/// `weight` whose first axis is the output channel (PyTorch's layout for
/// `nn.Linear` and `nn.ConvNd`) and a `bias [Out]`. A spec without the trait
/// is never folded.

namespace ctnn::layers {

template <class Spec>
struct batchnorm_fold {};

}  // namespace ctnn::layers
