#pragma once
// A token bucket: `rate` tokens per second refill a bucket holding at most `burst` tokens.
// Pure policy over time points the caller passes in, so it is tested with a fake clock and
// shared by the client's limiter (which waits) and the fixture server (which answers 429).
#include <chrono>

namespace harvest::limit {

class token_bucket {
public:
    using clock = std::chrono::steady_clock;
    using duration = clock::duration;
    using time_point = clock::time_point;

    // rate > 0 tokens per second (fractional allowed), burst >= 1; starts full.
    token_bucket(double rate, double burst, time_point now);

    // Takes a token if one is available at `now`; otherwise takes nothing and returns the
    // time until one will be (always > 0).
    duration try_acquire(time_point now);

    // Takes a token unconditionally, possibly borrowing from the future; returns how long the
    // caller must wait before using it. Callers served in call order (first come, first served).
    duration reserve(time_point now);

    // Tokens available at `now` (negative while future tokens are reserved).
    double available(time_point now);

    // From `now` on, tokens refill at `rate` (> 0); those already in the bucket stay.
    void set_rate(double rate, time_point now);
    // Forgets the reservations made so far (their holders will reserve again): no debt, and no
    // time counted beyond `now`.
    void cancel_reservations(time_point now);

    double rate() const noexcept { return rate_; }
    double burst() const noexcept { return burst_; }

private:
    void refill(time_point now);
    duration time_until(double tokens) const;

    double rate_;
    double burst_;
    double tokens_;
    time_point last_;
};

} // namespace harvest::limit
