#pragma once
// The admission policy of one host: an optional token bucket (--rate/--burst) plus a pause that
// a 429/503 Retry-After puts on the whole host. Pure: it says *when* a request may be sent;
// the client does the waiting.
#include <harvest/limit/token_bucket.hpp>

#include <optional>

namespace harvest::limit {

class host_limiter {
public:
    using time_point = token_bucket::time_point;

    host_limiter() = default; // unlimited
    explicit host_limiter(token_bucket bucket) : bucket_(bucket) {}

    // Reserves a send slot; returns when it may be used (>= now, and not inside a pause).
    time_point reserve(time_point now);

    // No request to this host is sent before `until` (earlier pauses are extended, never shortened).
    void pause_until(time_point until);
    time_point paused_until() const noexcept { return paused_until_; }

    const std::optional<token_bucket>& bucket() const noexcept { return bucket_; }

private:
    std::optional<token_bucket> bucket_;
    time_point paused_until_{};
};

} // namespace harvest::limit
