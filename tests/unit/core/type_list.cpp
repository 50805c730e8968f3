// core/type_list.hpp: every operation, checked at compile time.
#include <catch2/catch.hpp>

#include <type_traits>

#include <ctnn/core/type_list.hpp>

using namespace ctnn::meta;

namespace {
using L = type_list<int, float, int>;
static_assert(type_list<>::size == 0 && L::size == 3);
static_assert(std::is_same_v<at_t<1, L>, float> && std::is_same_v<front_t<L>, int>);
static_assert(std::is_same_v<push_back_t<L, char>, type_list<int, float, int, char>>);
static_assert(std::is_same_v<push_back_t<type_list<>, char>, type_list<char>>);
static_assert(std::is_same_v<push_front_t<L, char, bool>, type_list<char, bool, int, float, int>>);
static_assert(contains_v<float, L> && !contains_v<char, L> && !contains_v<int, type_list<>>);
static_assert(index_of_v<int, L> == 0 && index_of_v<float, L> == 1);  // the first one
static_assert(index_of_v<char, L> == npos && index_of_v<char, type_list<>> == npos);
}  // namespace

TEST_CASE("type_list: at, front, push_back/front, contains, index_of", "[core][type_list]") {
    SUCCEED("checked at compile time");
}
