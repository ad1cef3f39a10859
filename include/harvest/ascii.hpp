#pragma once
// ASCII case folding for protocol text (header names, host names, tokens): locale-free.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace harvest {

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace harvest
