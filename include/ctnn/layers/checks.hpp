#pragma once
/// \file checks.hpp
/// The composition checks a layer's binding asserts, named so that the
/// requirement the compiler prints reads as the reason, with the layer's
/// path in PyTorch's module tree and both shapes, e.g. on clang:
/// `static_assert failed due to requirement 'ctnn::check::layer<ctnn::path<1, ctnn::seg::body, 0>, ctnn::Dense<10, true, 64>>::expects_features<64>::but_layer<ctnn::path<0>, ctnn::ReLU>::produces<ctnn::Shape<128>>' "ctnn: a layer expects other input features than the layer before it produces"`.
/// A binding's `diagnose<In, Where>` derives from the checks that apply;
/// each check is an empty type where it does not fail, so one mistake is
/// one error.

#include <cstddef>

#include "../core/shape.hpp"

namespace ctnn {

/// Named segments of a module path (PyTorch's attribute names).
enum class seg : int { body = -100, branches = -101 };

/// Where a layer sits in the network: `path<1, seg::body, 0>` is "1.body.0";
/// `path<-1>` is the network's input.
template <auto... Segments>
struct path {};

namespace check {

/// The spec `Spec` at `Path`.
template <class Path, class Spec>
struct layer {
    template <std::size_t Expected>
    struct expects_features {
        template <class BeforePath, class Before>
        struct but_layer {
            template <class Produced>
            static constexpr bool produces = Produced::rank == 1 && Produced::dims[0] == Expected;
        };
    };
    template <class BeforePath, class Before>
    struct needs_a_flat_input_but_layer {
        template <class Produced>
        static constexpr bool produces = Produced::rank == 1;
    };
    static constexpr bool is_a_layer_spec = false;
    /// A layer with no output features (`Dense<0>`).
    static constexpr bool needs_at_least_one_output_feature = false;
    template <class In>
    struct body_keeps_the_shape_of_its_input {
        template <class Out>
        static constexpr bool but_produces = std::is_same_v<In, Out>;
    };
    template <class... BranchOuts>
    struct branches_agree_beyond_the_first_axis {
        static constexpr bool holds = false;
    };
    template <class... BranchOuts>
    struct branches_produce_the_same_shape {
        static constexpr bool holds = false;
    };
};

}  // namespace check

namespace layers {

/// The site of a binding: the layer's path and spec, and the path and spec of
/// what produces its input.
template <class Path, class Spec, class BeforePath, class Before>
struct where {
    using path = Path;
    using spec = Spec;
    using before_path = BeforePath;
    using before = Before;
};

/// The input must be a flat sample.
template <bool Fails, class Where, class In>
struct require_flat {};
template <class P, class S, class BP, class B, class In>
struct require_flat<true, where<P, S, BP, B>, In> {
    static_assert(check::layer<P, S>::template needs_a_flat_input_but_layer<BP, B>::template produces<In>,
                  "ctnn: this layer works on a flat sample (rank 1): put Flatten before it");
};

/// The input must have `Expected` features.
template <bool Fails, class Where, std::size_t Expected, class In>
struct require_features {};
template <class P, class S, class BP, class B, std::size_t E, class In>
struct require_features<true, where<P, S, BP, B>, E, In> {
    static_assert(check::layer<P, S>::template expects_features<E>::template but_layer<BP, B>::template produces<In>,
                  "ctnn: a layer expects other input features than the layer before it produces");
};

}  // namespace layers
}  // namespace ctnn
