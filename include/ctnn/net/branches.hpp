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

/// The assertions of the first branch that does not take the input.
template <class In, class Where, std::size_t K, class... Branch>
struct branch_assertions {};
template <class In, class Where, std::size_t K, class Branch, class... Rest>
struct branch_assertions<In, Where, K, Branch, Rest...>
    : std::conditional_t<spec_accepts<Branch, In>(), branch_assertions<In, Where, K + 1, Rest...>,
                         spec_assertions<In, append_t<append_t<typename Where::path, seg::branches>, int(K)>,
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

}  // namespace ctnn::net_detail
