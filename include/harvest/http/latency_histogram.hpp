#pragma once
// Request latencies in constant memory: log-spaced buckets 2 % wide, so a percentile is known
// to within 2 % however many requests a run makes (millions, from cron).
#include <chrono>
#include <cstdint>
#include <vector>

namespace harvest::http {

class latency_histogram {
public:
    void record(std::chrono::nanoseconds latency);
    std::uint64_t count() const noexcept { return count_; }
    // The latency below which a fraction `p` (0..1) of the recorded ones fall; zero when empty.
    std::chrono::microseconds percentile(double p) const;

private:
    std::vector<std::uint64_t> buckets_; // bucket i > 0 holds [1.02^(i-1), 1.02^i) µs; 0 holds < 1 µs
    std::uint64_t count_ = 0;
};

} // namespace harvest::http
