#include <harvest/limit/token_bucket.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace harvest::limit {

token_bucket::token_bucket(double rate, double burst, time_point now)
    : rate_(rate), burst_(burst), tokens_(burst), last_(now) {
    if (!(rate > 0) || !std::isfinite(rate)) throw std::invalid_argument("token_bucket: rate must be > 0");
    if (!(burst >= 1) || !std::isfinite(burst)) throw std::invalid_argument("token_bucket: burst must be >= 1");
}

void token_bucket::refill(time_point now) {
    if (now <= last_) return; // a clock that stands still or a stale caller adds nothing
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
}

token_bucket::duration token_bucket::time_until(double tokens) const {
    const double seconds = tokens / rate_;
    // Round up so that waiting the returned time always yields the token.
    return std::max(duration{1}, std::chrono::ceil<duration>(std::chrono::duration<double>(seconds)));
}

token_bucket::duration token_bucket::try_acquire(time_point now) {
    refill(now);
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return duration::zero();
    }
    return time_until(1.0 - tokens_);
}

token_bucket::duration token_bucket::reserve(time_point now) {
    refill(now);
    // A caller whose `now` is behind the bucket's (a reservation made for a later start)
    // is measured from the bucket's time.
    const auto behind = last_ > now ? last_ - now : duration::zero();
    tokens_ -= 1.0;
    if (tokens_ >= 0.0) return behind;
    return behind + time_until(-tokens_);
}

void token_bucket::set_rate(double rate, time_point now) {
    if (!(rate > 0) || !std::isfinite(rate)) throw std::invalid_argument("token_bucket: rate must be > 0");
    refill(now);
    rate_ = rate;
}

void token_bucket::cancel_reservations(time_point now) {
    refill(now);
    tokens_ = std::max(tokens_, 0.0);
    last_ = std::min(last_, now);
}

double token_bucket::available(time_point now) {
    refill(now);
    return tokens_;
}

} // namespace harvest::limit
