#pragma once
/// \file names.hpp
/// Compile-time strings for parameter names: `fixed_string` (a string
/// literal as a template argument, `net.param<"0.weight">()`) and
/// `param_name` (a name built by prefixing a module path, stored inline so a
/// parameter table can be a `constexpr` array).

#include <cstddef>
#include <string_view>

namespace ctnn {

/// A string literal usable as a template argument.
template <std::size_t N>
struct fixed_string {
    char text[N]{};
    constexpr fixed_string(const char (&s)[N]) noexcept {
        for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
    }
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {text, N - 1}; }
};

namespace net_detail {

/// A parameter's full name ("1.body.0.weight"), stored inline.
struct param_name {
    static constexpr std::size_t capacity = 120;
    char text[capacity]{};
    std::size_t size = 0;

    constexpr param_name() noexcept = default;
    constexpr param_name(std::string_view s) noexcept { append(s); }
    constexpr param_name& append(std::string_view s) noexcept {
        for (char ch : s)
            if (size < capacity) text[size++] = ch;
        return *this;
    }
    constexpr param_name& append_number(std::size_t n) noexcept {
        char digits[20]{};
        std::size_t k = 0;
        do {
            digits[k++] = char('0' + n % 10);
            n /= 10;
        } while (n);
        while (k) append(std::string_view(&digits[--k], 1));
        return *this;
    }
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {text, size}; }
};

}  // namespace net_detail
}  // namespace ctnn
