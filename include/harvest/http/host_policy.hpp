#pragma once
// Which pace and how many connections one host gets, by its name: a rate from --rate or the
// source's default for a named service, else the polite default for any other remote host;
// loopback hosts are unlimited unless --rate says otherwise. Pure.
#include <harvest/http/client_options.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace harvest::http {

struct host_limits {
    std::optional<rate_limit> rate; // nullopt: unlimited
    std::size_t connections = 1;
};

// 127.0.0.0/8, ::1 (bare or in brackets) and localhost.
bool is_loopback_host(std::string_view host) noexcept;

// `o.max_per_host` as the client resolved it (0 is not a cap here: it means --workers).
host_limits limits_for(std::string_view host, const client_options& o);

} // namespace harvest::http
