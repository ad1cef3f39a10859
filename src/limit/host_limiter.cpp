#include <harvest/limit/host_limiter.hpp>

#include <algorithm>

namespace harvest::limit {

namespace {

std::optional<double> paced_ceiling(const std::optional<bucket_size>& ceiling) {
    if (!ceiling) return std::nullopt;
    return ceiling->rate * (1 - host_limiter::margin);
}

} // namespace

host_limiter::host_limiter(std::optional<bucket_size> ceiling, time_point now, adaptive_rate_policy policy)
    : pace_(paced_ceiling(ceiling), now, policy), burst_(ceiling && ceiling->burst > 1 ? std::max(1.0, ceiling->burst - 1) : 1.0) {
    if (auto r = pace_.rate()) bucket_.emplace(*r, burst_, now);
}

std::optional<double> host_limiter::rate() const noexcept { return pace_.rate(); }

host_limiter::ticket host_limiter::reserve(time_point now) {
    const auto start = std::max(now, paused_until_);
    if (!bucket_) return {start, epoch_};
    return {start + bucket_->reserve(start), epoch_};
}

void host_limiter::invalidate_tickets(time_point now) {
    ++epoch_;
    if (bucket_) bucket_->cancel_reservations(now);
}

bool host_limiter::pause_until(time_point until, time_point now) {
    if (until <= paused_until_) return false;
    paused_until_ = until;
    invalidate_tickets(now);
    return true;
}

bool host_limiter::answered(time_point sent, time_point now, bool throttle) {
    if (!(throttle ? pace_.throttled(sent, now) : pace_.accepted(now))) return false;
    if (bucket_) bucket_->set_rate(*pace_.rate(), now);
    else bucket_.emplace(*pace_.rate(), burst_, now);
    // Tickets handed out at the old rate would keep its pace: a lower rate too fast, a higher
    // one never tried (an increase must be earned at the rate it raises).
    invalidate_tickets(now);
    return true;
}

} // namespace harvest::limit
