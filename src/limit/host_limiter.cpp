#include <harvest/limit/host_limiter.hpp>

#include <algorithm>

namespace harvest::limit {

host_limiter::time_point host_limiter::reserve(time_point now) {
    const auto start = std::max(now, paused_until_);
    if (!bucket_) return start;
    return start + bucket_->reserve(start);
}

void host_limiter::pause_until(time_point until) { paused_until_ = std::max(paused_until_, until); }

} // namespace harvest::limit
