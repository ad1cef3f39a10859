#include <harvest/http/redact.hpp>

#include <harvest/ascii.hpp>

#include <algorithm>
#include <array>

namespace harvest::http {

bool is_credential_header(std::string_view name) {
    const auto n = ascii_lower(name);
    if (n == "authorization" || n == "proxy-authorization" || n == "cookie") return true;
    constexpr std::array<std::string_view, 6> marks{"token", "key", "secret", "auth", "password", "signature"};
    return std::ranges::any_of(marks, [&](std::string_view m) { return n.find(m) != std::string::npos; });
}

std::string redact_header(std::string_view header) {
    // "Name: value", or a malformed "Name value" that still holds a secret
    const auto name_end = header.find_first_of(": \t");
    const auto name = header.substr(0, name_end);
    if (name_end == std::string_view::npos || !is_credential_header(name)) return std::string(header);
    return std::string(name) + (header[name_end] == ':' ? ": ***" : " ***");
}

std::string redact_url(std::string_view url) {
    std::string out(url);
    // user:password@ between "//" and the end of the authority
    if (const auto scheme_end = out.find("://"); scheme_end != std::string::npos) {
        const auto authority = scheme_end + 3;
        const auto authority_end = out.find_first_of("/?#", authority);
        const auto at = out.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
        if (at != std::string::npos && at >= authority) out.replace(authority, at - authority, "***");
    }
    // token-like query parameters
    const auto query = out.find('?');
    if (query == std::string::npos) return out;
    std::size_t pos = query + 1;
    while (pos < out.size() && out[pos] != '#') {
        auto end = out.find_first_of("&#", pos);
        if (end == std::string::npos) end = out.size();
        const auto eq = out.find('=', pos);
        if (eq != std::string::npos && eq < end && is_credential_header(std::string_view(out).substr(pos, eq - pos))) {
            out.replace(eq + 1, end - eq - 1, "***");
            end = eq + 4;
        }
        pos = end + 1;
    }
    return out;
}

std::string redact_text(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    for (;;) {
        auto start = std::min(text.find("http://", pos), text.find("https://", pos));
        if (start == std::string_view::npos) break;
        auto end = text.find_first_of(" \t\n'\"<>", start);
        if (end == std::string_view::npos) end = text.size();
        out.append(text.substr(pos, start - pos));
        out += redact_url(text.substr(start, end - start));
        pos = end;
    }
    out.append(text.substr(pos));
    return out;
}

std::string redact_command_line(const std::vector<std::string>& argv) {
    std::string out;
    bool header_value = false; // the argument after "--header"
    for (const auto& arg : argv) {
        if (!out.empty()) out += ' ';
        if (header_value)
            out += redact_header(arg);
        else if (arg.starts_with("--header="))
            out += "--header=" + redact_header(std::string_view(arg).substr(9));
        else
            out += redact_text(arg);
        header_value = arg == "--header";
    }
    return out;
}

} // namespace harvest::http
