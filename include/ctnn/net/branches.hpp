#pragma once
/// \file branches.hpp
/// What `Concat` and `Add` share: each branch (a layer spec, or a nested
/// `Sequential<...>` chain) is bound to the same input; branch `k` sits at
/// the module path `<i>.branches.<k>` (PyTorch: an `nn.ModuleList` called
/// `branches`, as in `tools/ctnn_torch.py`); a failing branch reports at
/// that path.

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "compose.hpp"

namespace ctnn::net_detail {

template <class In, class... Branch>
inline constexpr bool branches_bind = (spec_accepts<Branch, In>() && ...);

template <class In, class Branch>
using bound_branch = typename layers::binding<Branch>::template type<In>;

/// The verdict on the first branch that does not take the input.
template <class In, class Where, std::size_t K, class... Branch>
struct branch_verdict {
    using type = check::passes;
};
template <class In, class Where, std::size_t K, class Branch, class... Rest>
struct branch_verdict<In, Where, K, Branch, Rest...>
    : std::conditional_t<spec_accepts<Branch, In>(), branch_verdict<In, Where, K + 1, Rest...>,
                         spec_verdict<In, append_t<append_t<typename Where::path, seg::branches>, int(K)>,
                                      typename Where::before_path, typename Where::before, Branch>> {};

/// "branches.0", "branches.1", ...
template <std::size_t K>
constexpr std::array<param_name, K> branch_segments() noexcept {
    std::array<param_name, K> s{};
    for (std::size_t k = 0; k < K; ++k) s[k] = param_name("branches.").append_number(k);
    return s;
}

template <class Specs, class... C>
struct visit_specs_impl;
template <class... Branch, class... C>
struct visit_specs_impl<type_list<Branch...>, C...> {
    template <class F>
    static void run(F& f) {
        std::size_t k = 0;
        (f("branches." + std::to_string(k++), spec_name<Branch>(), std::type_identity<C>{}), ...);
    }
};
/// Calls `f("branches.k", name, std::type_identity<bound>)` for each branch.
template <class Specs, class... C, class F>
void visit_specs(F& f) {
    visit_specs_impl<Specs, C...>::run(f);
}

/// The binding of a spec with branches (`Concat`, `Add`): every branch binds
/// to the input, then `Agree<outs...>::value` says whether the node can
/// combine their outputs (`Require` names the failed check when not), and the bound node
/// is `Node<type_list<Branch...>, bound branches...>`.
template <template <class, class...> class Node, template <class...> class Agree,
          template <bool, class, class...> class Require, class... Branch>
struct branch_binding {
    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (branches_bind<In, Branch...>)
            return Agree<typename bound_branch<In, Branch>::out_shape...>::value;
        else
            return false;
    }();

    template <bool Bind, class In, class Where>
    struct verdict : branch_verdict<In, Where, 0, Branch...> {};
    template <class In, class Where>
    struct verdict<true, In, Where> {
        using type = Require<!accepts<In>, Where, typename bound_branch<In, Branch>::out_shape...>;
    };
    template <class In, class Where>
    using diagnosis = typename verdict<branches_bind<In, Branch...>, In, Where>::type;

    template <class In>
    using type = Node<type_list<Branch...>, bound_branch<In, Branch>...>;
};

}  // namespace ctnn::net_detail
