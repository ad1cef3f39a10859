#include <harvest/http/host_policy.hpp>

#include <algorithm>

namespace harvest::http {

bool is_loopback_host(std::string_view host) noexcept {
    if (host == "localhost" || host == "::1" || host == "[::1]") return true;
    if (!host.starts_with("127.")) return false;
    // Digits and dots only: "127.example.org" is a name, not an address.
    return std::ranges::all_of(host, [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

host_limits limits_for(std::string_view host, const client_options& o) {
    const bool remote = !is_loopback_host(host);
    host_limits l;
    l.connections = o.max_per_host > 0 ? o.max_per_host : o.workers;
    if (auto it = o.host_connections.find(host); it != o.host_connections.end()) l.connections = std::min(l.connections, std::max<std::size_t>(1, it->second));
    else if (remote && o.remote_connections) l.connections = std::min(l.connections, std::max<std::size_t>(1, *o.remote_connections));
    if (auto it = o.host_rates.find(host); it != o.host_rates.end()) l.rate = it->second;
    else if (o.rate) l.rate = o.rate;
    else if (remote) l.rate = o.remote_rate;
    return l;
}

} // namespace harvest::http
