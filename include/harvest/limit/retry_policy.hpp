#pragma once
// Which failures are worth another attempt, and how long to wait before it: a retry count, an
// overall time budget for all waits, exponential backoff with full jitter, and the server's
// Retry-After when it gives one. Pure: the caller supplies the random numbers.
#include <harvest/limit/backoff.hpp>

#include <chrono>
#include <optional>
#include <system_error>

namespace harvest::limit {

struct retry_policy {
    int max_retries = 4;                        // attempts = 1 + max_retries
    std::chrono::milliseconds budget{120'000};  // all retry waits of one request together
    backoff_policy backoff;
};

// 408, 429, 500, 502, 503 and 504; every other status is an answer.
bool is_retryable_status(unsigned status) noexcept;

// Connection failures, resets, timeouts and truncated messages are transient; a TLS
// verification failure, a body over the limit or a malformed URL is not.
bool is_retryable_error(const std::error_code& ec) noexcept;

// The retry bookkeeping of one request.
class retry_state {
public:
    explicit retry_state(const retry_policy& policy) : policy_(policy) {}

    // After a failed attempt: the wait before the next one, or nullopt when the retries or the
    // budget are spent. A Retry-After longer than the remaining budget ends the retries too
    // (waiting less than the server asked would only be refused again).
    std::optional<std::chrono::milliseconds> next_wait(std::optional<std::chrono::seconds> retry_after, double unit);

    int retries() const noexcept { return retries_; }
    std::chrono::milliseconds spent() const noexcept { return spent_; }
    std::chrono::milliseconds remaining_budget() const noexcept { return policy_.budget - spent_; }

private:
    const retry_policy& policy_;
    int retries_ = 0;
    std::chrono::milliseconds spent_{0};
};

} // namespace harvest::limit
