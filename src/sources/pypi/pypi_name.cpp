#include <harvest/sources/pypi/pypi_name.hpp>

#include <cctype>

namespace harvest::sources {
namespace {
bool is_separator(char c) { return c == '-' || c == '_' || c == '.'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
} // namespace

std::string normalize_project_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    bool in_separator_run = false;
    for (char c : name) {
        if (is_separator(c)) {
            if (!in_separator_run) out.push_back('-');
            in_separator_run = true;
        } else {
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
            in_separator_run = false;
        }
    }
    return out;
}

bool is_valid_project_name(std::string_view name) noexcept {
    if (name.empty() || !is_alnum(name.front()) || !is_alnum(name.back())) return false;
    for (char c : name)
        if (!is_alnum(c) && !is_separator(c)) return false;
    return true;
}

} // namespace harvest::sources
