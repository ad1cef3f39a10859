#include <harvest/http/latency_histogram.hpp>

#include <algorithm>
#include <cmath>

namespace harvest::http {
namespace {

constexpr double growth = 1.02;
constexpr std::size_t max_bucket = 1400; // 1.02^1400 µs ≈ 1.1e12 µs: two weeks

std::size_t bucket_of(double us) {
    if (us < 1.0) return 0;
    return std::min(max_bucket, static_cast<std::size_t>(std::floor(std::log(us) / std::log(growth))) + 1);
}

} // namespace

void latency_histogram::record(std::chrono::nanoseconds latency) {
    const auto b = bucket_of(static_cast<double>(latency.count()) / 1000.0);
    if (buckets_.size() <= b) buckets_.resize(b + 1, 0);
    ++buckets_[b];
    ++count_;
}

std::chrono::microseconds latency_histogram::percentile(double p) const {
    if (count_ == 0) return std::chrono::microseconds(0);
    const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(p, 0.0, 1.0) * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    std::size_t b = 0;
    for (; b < buckets_.size(); ++b) {
        seen += buckets_[b];
        if (seen >= std::max<std::uint64_t>(rank, 1)) break;
    }
    if (b == 0) return std::chrono::microseconds(0);
    // the bucket's geometric middle: within 1 % of every latency in it
    const double middle = std::pow(growth, static_cast<double>(b) - 0.5);
    return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(middle)));
}

} // namespace harvest::http
