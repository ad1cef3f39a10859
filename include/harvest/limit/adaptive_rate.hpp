#pragma once
// A host's pace learned from its answers, as TCP's congestion control learns a path's (AIMD):
// a throttle (429, or 503) lowers the rate multiplicatively, once for all the requests sent at
// the old rate; each quiet interval raises it again, multiplicatively while well below the rate
// that was last throttled (slow start), additively near it, never above the ceiling (the
// configured or default rate). A host without a ceiling (loopback) is unpaced until throttles
// outnumber its accepted answers (a few at least), and is then paced at the rate it accepted.
//
// A rate limit answers by our pace; a flaky server's 503s do not. So throttles while the rate
// is already under `fault_share` of the best rate the host accepted over `window` lower it no
// further, and throttles of an unpaced host that are fewer than its accepted answers do not pace
// it. Pure: the caller passes the time points.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

namespace harvest::limit {

struct adaptive_rate_policy {
    double decrease = 0.95;       // factor on a throttle
    double slow_start = 1.5;      // factor per quiet interval while under decrease × the last throttled rate
    double first_decrease = 0.5;  // factor on the first throttle, when no rate was throttled before (a server's
                                  // burst lets the rate overshoot its limit before it throttles)
    double increase = 0.002;      // step per quiet interval near it, as a share of the rate
    double min_step = 0.01;       // requests/s: the smallest additive step
    double min_rate = 0.1;        // requests/s
    double first_rate = 1.0;      // requests/s: the least an unpaced host is paced at
    unsigned first_throttles = 4; // an unpaced host is paced after at least this many throttles in 2 s
    double fault_share = 0.5;     // of the best accepted rate: below it, throttles are taken as faults
    std::chrono::milliseconds quiet{1000};
    std::chrono::seconds window{5}; // the accepted rate is measured over whole seconds of this many
};

class adaptive_rate {
public:
    using clock = std::chrono::steady_clock;
    using time_point = clock::time_point;

    // `ceiling` in requests/s (> 0), or nullopt: unpaced until throttled, no upper bound then.
    adaptive_rate(std::optional<double> ceiling, time_point now, adaptive_rate_policy policy = {});

    // nullopt: unpaced.
    std::optional<double> rate() const noexcept { return rate_; }
    std::optional<double> ceiling() const noexcept { return ceiling_; }

    // An answer that is not a throttle. True when the rate rose.
    bool accepted(time_point now);
    // A throttle answering a request sent at `sent`. True when the rate fell (or pacing began).
    bool throttled(time_point sent, time_point now);

    std::uint64_t throttles() const noexcept { return throttles_; }
    std::uint64_t decreases() const noexcept { return decreases_; }
    // The best accepted rate over a whole window so far (0 before the first window ends).
    double peak_accepted() const noexcept { return peak_; }

private:
    struct second_counts {
        std::int64_t second = -1; // since start_
        std::uint32_t accepted = 0;
        std::uint32_t throttled = 0;
    };
    static constexpr std::size_t history = 8; // seconds kept: more than any window

    second_counts& counts_at(time_point now);
    void update_peak(std::int64_t current_second);

    adaptive_rate_policy policy_;
    std::optional<double> ceiling_;
    std::optional<double> rate_;
    double last_throttled_ = 0; // the rate at the last decrease; 0: none yet (no slow start bound)
    time_point start_;
    time_point last_change_;
    time_point last_decrease_;
    std::array<second_counts, history> seconds_{};
    double peak_ = 0;
    std::uint64_t throttles_ = 0;
    std::uint64_t decreases_ = 0;
};

} // namespace harvest::limit
