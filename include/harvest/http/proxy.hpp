#pragma once
// Proxy selection from the environment, as curl does it: `https_proxy`/`HTTPS_PROXY` for https
// URLs, `http_proxy` for http URLs (lower case only: upper-case HTTP_PROXY can be set by a CGI
// request header, "httpoxy"), and `no_proxy`/`NO_PROXY` to bypass: `*`, or a comma-separated list
// of host names (matching the host and its subdomains, a leading dot allowed) and IP addresses.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::http {

struct proxy_endpoint {
    std::string host;
    std::uint16_t port = 0;
    std::string authorization; // "Basic ..." from user:password in the proxy URL, or empty
};

struct proxy_settings {
    std::optional<proxy_endpoint> http;  // for http:// targets
    std::optional<proxy_endpoint> https; // for https:// targets
    std::vector<std::string> no_proxy;   // lower case, leading dots removed; "*" = everything

    // Reads the variables through `getenv` (injectable for tests). Throws std::invalid_argument
    // naming the variable when a proxy URL is malformed.
    static proxy_settings from_environment(const std::function<const char*(const char*)>& getenv);

    // The proxy for a target, or none (no proxy configured, or the host is in no_proxy).
    const proxy_endpoint* for_target(std::string_view scheme, std::string_view host) const;
};

// Parses "http://[user:password@]host[:port][/]" (the scheme may be omitted; port default 1080
// as curl's). nullopt when malformed.
std::optional<proxy_endpoint> parse_proxy_url(std::string_view url);

} // namespace harvest::http
