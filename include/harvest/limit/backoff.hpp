#pragma once
// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
// Jitter"): the n-th retry waits a uniform random time in [0, min(cap, base * 2^n)].
#include <chrono>

namespace harvest::limit {

struct backoff_policy {
    std::chrono::milliseconds base{250};
    std::chrono::milliseconds cap{30'000};

    // `retry` counts from 0 (the first retry); `unit` is a uniform random number in [0, 1).
    std::chrono::milliseconds delay(int retry, double unit) const noexcept;
    // The largest delay `delay(retry, u)` can return.
    std::chrono::milliseconds ceiling(int retry) const noexcept;
};

} // namespace harvest::limit
