#pragma once
/// \file text_cursor.hpp
/// A position in a short text for the hand-written parsers of io/ (the
/// `.npy` header's dict literal, a network type's text): skip spaces, take
/// one expected character.

#include <cctype>
#include <cstddef>
#include <string_view>

namespace ctnn::io::detail {

struct text_cursor {
    std::string_view s;
    std::size_t pos = 0;

    void skip_ws() noexcept {
        while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
    }
    /// Skips spaces, then takes `c` if it comes next.
    bool eat(char c) noexcept {
        skip_ws();
        if (pos < s.size() && s[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    }
    /// Only spaces are left.
    bool at_end() noexcept {
        skip_ws();
        return pos == s.size();
    }
};

}  // namespace ctnn::io::detail
