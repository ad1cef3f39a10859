#pragma once
// ASCII case folding and trimming for protocol text (header names, host names, tokens): locale-free.
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

// Without leading and trailing white space (space, tab, CR, LF, VT, FF).
inline std::string_view ascii_trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

} // namespace harvest
