#pragma once
// Every failure harvest reports is an error_code in this category, with a one-line message.
#include <system_error>

namespace harvest {

enum class errc {
    body_too_large = 1,   // a body (or its decoded form) exceeds the configured limit
    bad_content_coding,   // a compressed body could not be decoded
    unsupported_content_coding,
    bad_url,              // not an absolute http(s) URL
    too_many_redirects,
    redirect_loop,
    insecure_redirect,    // https -> http, or to another scheme
    retries_exhausted,    // still failing after every retry the policy allows
    cancelled,            // the client was stopped
    proxy_refused,        // the proxy did not open a CONNECT tunnel
};

const std::error_category& harvest_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), harvest_category()};
}

} // namespace harvest

template <>
struct std::is_error_code_enum<harvest::errc> : std::true_type {};
