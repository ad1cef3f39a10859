#pragma once
// Everything that tunes the HTTP engine; the CLI maps its flags onto this.
#include <harvest/http/proxy.hpp>
#include <harvest/limit/retry_policy.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace harvest::http {

struct phase_timeouts {
    std::chrono::milliseconds resolve{10'000};
    std::chrono::milliseconds connect{10'000};
    std::chrono::milliseconds tls{10'000};
    std::chrono::milliseconds write{30'000};
    std::chrono::milliseconds first_byte{30'000}; // from the end of the write to the status line
    std::chrono::milliseconds body{120'000};      // the whole body, after the header

    // --timeout S: every phase gets S, the body at least S.
    static phase_timeouts uniform(std::chrono::milliseconds t);
};

struct rate_limit {
    double rate = 0;  // requests per second, > 0
    double burst = 1; // >= 1
};

struct client_options {
    std::size_t workers = 100;     // requests in flight, all hosts together (1..1000)
    std::size_t max_per_host = 0;  // 0: same as workers
    std::optional<rate_limit> rate; // per host; none: unlimited
    std::map<std::string, rate_limit, std::less<>> host_rates; // per-host overrides (polite defaults)
    std::map<std::string, std::size_t, std::less<>> host_connections; // per-host caps on max_per_host (polite defaults)
    // Any other host that is not loopback (a mirror, a redirect's target) without a rate or cap
    // above gets these; loopback (127.0.0.0/8, ::1, localhost: the fixture server, a local
    // mirror) is not limited. nullopt: none (--max-per-host given, for the cap).
    std::optional<rate_limit> remote_rate = rate_limit{4.0, 4.0};
    std::optional<std::size_t> remote_connections = 4;
    limit::retry_policy retry;
    phase_timeouts timeouts;
    std::size_t body_limit = 64u << 20; // compressed and decoded
    std::size_t max_redirects = 5;
    std::string user_agent;             // empty: default_user_agent() (user_agent.hpp)
    // --header: sent with every request; credentials (redact.hpp) are dropped on a redirect to
    // another host, as curl does.
    std::vector<std::pair<std::string, std::string>> headers;
    std::optional<std::filesystem::path> ca_file; // trusted in addition to the system store
    proxy_settings proxy;               // CONNECT tunnels, per target scheme and host
    std::uint64_t seed = 0;             // jitter; 0: from the clock
};

} // namespace harvest::http
