#include <harvest/limit/backoff.hpp>

#include <algorithm>

namespace harvest::limit {

std::chrono::milliseconds backoff_policy::ceiling(int retry) const noexcept {
    if (retry < 0) retry = 0;
    // Doubling stops once past the cap, so large retry counts cannot overflow.
    auto limit = base;
    for (int i = 0; i < retry && limit < cap; ++i) limit *= 2;
    return std::min(limit, cap);
}

std::chrono::milliseconds backoff_policy::delay(int retry, double unit) const noexcept {
    unit = std::clamp(unit, 0.0, 1.0);
    const auto limit = ceiling(retry);
    return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(static_cast<double>(limit.count()) * unit));
}

} // namespace harvest::limit
