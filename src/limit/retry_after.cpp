#include <harvest/limit/retry_after.hpp>

#include <harvest/ascii.hpp>

#include <array>
#include <cctype>
#include <charconv>

namespace harvest::limit {
namespace {

std::optional<int> month_index(std::string_view m) {
    static constexpr std::array<std::string_view, 12> names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i)
        if (names[static_cast<std::size_t>(i)] == m) return i + 1;
    return std::nullopt;
}

bool to_int(std::string_view s, int& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

// Splits on single spaces (asctime pads the day with a second space: "Nov  6").
std::array<std::string_view, 6> split(std::string_view s, std::size_t& n) {
    std::array<std::string_view, 6> parts{};
    n = 0;
    while (!s.empty() && n < parts.size()) {
        const auto sp = s.find(' ');
        const auto token = s.substr(0, sp);
        if (!token.empty()) parts[n++] = token;
        if (sp == std::string_view::npos) { s = {}; break; }
        s.remove_prefix(sp + 1);
    }
    if (!s.empty()) n = parts.size() + 1; // too many parts
    return parts;
}

std::optional<std::chrono::system_clock::time_point> make_time(int year, int month, int day, std::string_view hms) {
    int h = 0, m = 0, s = 0;
    if (hms.size() != 8 || hms[2] != ':' || hms[5] != ':' || !to_int(hms.substr(0, 2), h) || !to_int(hms.substr(3, 2), m) ||
        !to_int(hms.substr(6, 2), s) || h > 23 || m > 59 || s > 60)
        return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                          std::chrono::day{static_cast<unsigned>(day)}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s};
}

} // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value) {
    value = ascii_trim(value);
    std::size_t n = 0;
    const auto p = split(value, n);
    int day = 0, year = 0;
    if (n == 6 && p[0].size() == 4 && p[0][3] == ',' && p[5] == "GMT") { // Sun, 06 Nov 1994 08:49:37 GMT
        const auto month = month_index(p[2]);
        if (!month || !to_int(p[1], day) || p[3].size() != 4 || !to_int(p[3], year)) return std::nullopt;
        return make_time(year, *month, day, p[4]);
    }
    if (n == 4 && p[0].ends_with(',') && p[3] == "GMT") { // Sunday, 06-Nov-94 08:49:37 GMT
        const auto date = p[1];
        if (date.size() != 9 || date[2] != '-' || date[6] != '-') return std::nullopt;
        const auto month = month_index(date.substr(3, 3));
        int yy = 0;
        if (!month || !to_int(date.substr(0, 2), day) || !to_int(date.substr(7, 2), yy)) return std::nullopt;
        year = yy < 70 ? 2000 + yy : 1900 + yy; // RFC 9110: interpret per RFC 6265-style pivot
        return make_time(year, *month, day, p[2]);
    }
    if (n == 5) { // Sun Nov  6 08:49:37 1994
        const auto month = month_index(p[1]);
        if (!month || !to_int(p[2], day) || !to_int(p[4], year)) return std::nullopt;
        return make_time(year, *month, day, p[3]);
    }
    return std::nullopt;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
    value = ascii_trim(value);
    if (value.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(value.front()))) {
        std::int64_t seconds = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec == std::errc::result_out_of_range) return std::chrono::seconds::max();
        if (ec != std::errc{} || p != value.data() + value.size()) return std::nullopt;
        return std::chrono::seconds(seconds);
    }
    const auto date = parse_http_date(value);
    if (!date) return std::nullopt;
    if (*date <= now) return std::chrono::seconds::zero();
    return std::chrono::ceil<std::chrono::seconds>(*date - now);
}

} // namespace harvest::limit
