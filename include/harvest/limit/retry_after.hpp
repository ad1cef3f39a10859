#pragma once
// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
#include <chrono>
#include <optional>
#include <string_view>

namespace harvest::limit {

// How long the server asks us to wait, measured from `now`; nullopt when the value is neither
// form. A date in the past means no wait (zero).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

// Parses an HTTP-date in any of the three forms RFC 9110 §5.6.7 requires recipients to accept:
// IMF-fixdate, obsolete RFC 850 and asctime.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value);

} // namespace harvest::limit
