#pragma once
// The admission policy of one host: a token bucket at the host's adaptive rate, plus a pause
// that a 429/503 Retry-After puts on the whole host. Pure: it says *when* a request may be sent;
// the client does the waiting.
//
// A reservation is a ticket: a pause, or a change of rate, invalidates every ticket handed out
// before it, so requests already queued at the old pace queue again instead of going out during
// the pause or at the old rate (waiting is no attempt: it spends no retry and no timeout).
//
// The bucket keeps a safety margin under a configured rate (`margin` of the rate and one token of
// a burst above 1), so a client set to a server's exact limit does not trip it on jitter.
#include <harvest/limit/adaptive_rate.hpp>
#include <harvest/limit/token_bucket.hpp>

#include <cstdint>
#include <optional>

namespace harvest::limit {

struct bucket_size {
    double rate = 0;  // requests per second, > 0
    double burst = 1; // >= 1
};

class host_limiter {
public:
    using time_point = token_bucket::time_point;

    struct ticket {
        time_point when;
        std::uint64_t epoch = 0;
    };

    static constexpr double margin = 0.02;

    // `ceiling`: the configured or default rate; nullopt: unpaced until the host throttles.
    explicit host_limiter(std::optional<bucket_size> ceiling, time_point now, adaptive_rate_policy policy = {});

    // Reserves a send slot; its `when` is >= now and not inside a pause.
    ticket reserve(time_point now);
    // False when a pause or a change of rate came after the ticket: reserve again.
    bool valid(const ticket& t) const noexcept { return t.epoch == epoch_; }

    // No request to this host is sent before `until` (earlier pauses are extended, never shortened).
    // This and answered() return true when they voided the tickets handed out so far: a waiter
    // should then wake and reserve again at once (its ticket may be far off at a slower pace).
    bool pause_until(time_point until, time_point now);
    time_point paused_until() const noexcept { return paused_until_; }

    // The answer to a request sent at `sent`: a throttle (429, 503) or any other response.
    bool answered(time_point sent, time_point now, bool throttle);

    const adaptive_rate& pace() const noexcept { return pace_; }
    // The rate the bucket runs at (under the ceiling by the margin); nullopt: unpaced.
    std::optional<double> rate() const noexcept;

private:
    void invalidate_tickets(time_point now);

    adaptive_rate pace_;
    double burst_ = 1;
    std::optional<token_bucket> bucket_;
    time_point paused_until_{};
    std::uint64_t epoch_ = 0;
};

} // namespace harvest::limit
