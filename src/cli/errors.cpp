#include <harvest/cli/errors.hpp>

#include <harvest/cli/exit_codes.hpp>

#include <cerrno>
#include <cstdlib>

namespace harvest::cli {

std::string describe(const error& e) {
    std::string text = e.setting.empty() ? e.message : "--" + e.setting + " " + e.message;
    if (e.code == errc::dataset_exists) text += "; use --resume to continue it, --incremental to update it, or --fresh to start over";
    return text;
}

int exit_code_for(const error& e) {
    if (e.code == errc::invalid_input || e.code == errc::dataset_exists) return exit_usage;
    if (e.code == errc::dataset_locked) return exit_locked;
    return exit_fatal;
}

namespace {

// "0.001000" -> "0.001", "1000" -> "1000".
std::string trimmed_number(std::string n) {
    if (n.find('.') == std::string::npos) return n;
    while (n.back() == '0') n.pop_back();
    if (n.back() == '.') n.pop_back();
    return n;
}

bool is_number(const std::string& text) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && errno == 0;
}

} // namespace

std::string explain_parse_error(const std::string& what) {
    static const std::string value = ": Value ", range = " not in range ", to = " to ";
    const auto v = what.find(value);
    const auto r = what.find(range, v == std::string::npos ? 0 : v);
    if (v == std::string::npos || r == std::string::npos) return what;
    const auto t = what.find(to, r + range.size());
    if (t == std::string::npos) return what;
    const auto flag = what.substr(0, v);
    const auto given = what.substr(v + value.size(), r - v - value.size());
    const auto low = trimmed_number(what.substr(r + range.size(), t - r - range.size()));
    const auto high = what.substr(t + to.size());
    const bool whole = low.find('.') == std::string::npos && high.find('.') == std::string::npos;
    // CLI::PositiveNumber says "0 to <the largest double>": no upper bound worth printing.
    const std::string expected = high.size() > 30 ? std::string("a number > 0")
                                                   : std::string(whole ? "a whole number" : "a number") + " from " + low + " to " + trimmed_number(high);
    if (!is_number(given)) return flag + ": '" + given + "' is not a number (expected " + expected + ")";
    if (whole && given.find_first_of(".eE") != std::string::npos) return flag + ": " + given + " is not a whole number (expected " + expected + ")";
    return flag + ": " + given + " is out of range (expected " + expected + ")";
}

} // namespace harvest::cli
