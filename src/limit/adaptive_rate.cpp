#include <harvest/limit/adaptive_rate.hpp>

#include <algorithm>
#include <stdexcept>

namespace harvest::limit {

adaptive_rate::adaptive_rate(std::optional<double> ceiling, time_point now, adaptive_rate_policy policy)
    : policy_(policy), ceiling_(ceiling), rate_(ceiling), start_(now), last_change_(now), last_decrease_(now) {
    if (ceiling && !(*ceiling > 0)) throw std::invalid_argument("adaptive_rate: the ceiling must be > 0");
    if (policy.window.count() < 1 || static_cast<std::size_t>(policy.window.count()) >= history)
        throw std::invalid_argument("adaptive_rate: the window must be 1 to 7 seconds");
}

adaptive_rate::second_counts& adaptive_rate::counts_at(time_point now) {
    const auto second = std::chrono::duration_cast<std::chrono::seconds>(std::max(now, start_) - start_).count();
    update_peak(second);
    auto& c = seconds_[static_cast<std::size_t>(second) % history];
    if (c.second != second) c = {second, 0, 0};
    return c;
}

// The accepted rate over the last `window` whole seconds before `current_second`.
void adaptive_rate::update_peak(std::int64_t current_second) {
    const auto window = policy_.window.count();
    if (current_second < window) return;
    std::uint64_t accepted = 0;
    for (auto s = current_second - window; s < current_second; ++s)
        if (const auto& c = seconds_[static_cast<std::size_t>(s) % history]; c.second == s) accepted += c.accepted;
    peak_ = std::max(peak_, static_cast<double>(accepted) / static_cast<double>(window));
}

bool adaptive_rate::accepted(time_point now) {
    ++counts_at(now).accepted;
    if (!rate_ || now - last_change_ < policy_.quiet) return false;
    last_change_ = now;
    if (ceiling_ && *rate_ >= *ceiling_) return false;
    const double knee = last_throttled_ * policy_.decrease;
    double next = 0;
    if (last_throttled_ == 0) next = *rate_ * policy_.slow_start;
    else if (*rate_ < knee) next = std::min(knee, *rate_ * policy_.slow_start);
    else next = *rate_ + std::max(policy_.min_step, *rate_ * policy_.increase);
    rate_ = ceiling_ ? std::min(next, *ceiling_) : next;
    return true;
}

bool adaptive_rate::throttled(time_point sent, time_point now) {
    auto& current = counts_at(now);
    ++current.throttled;
    ++throttles_;
    if (!rate_) {
        // Pacing begins when throttles outnumber accepted answers over the last two seconds, at
        // the rate accepted meanwhile.
        std::uint64_t accepted = current.accepted, throttled = current.throttled;
        const auto& previous = seconds_[static_cast<std::size_t>(current.second + history - 1) % history];
        if (previous.second == current.second - 1) {
            accepted += previous.accepted;
            throttled += previous.throttled;
        }
        if (throttled <= accepted || throttled < policy_.first_throttles) return false;
        const auto counted_from = start_ + std::chrono::seconds(std::max<std::int64_t>(0, current.second - 1));
        const double seconds = std::max(1.0, std::chrono::duration<double>(now - counted_from).count());
        rate_ = std::max(policy_.first_rate, static_cast<double>(accepted) / seconds);
        last_change_ = last_decrease_ = now;
        ++decreases_;
        return true;
    }
    last_change_ = now; // no quiet interval spans a throttle
    if (sent < last_decrease_) return false; // sent at the old pace: that throttle was answered already
    const double floor = std::max(policy_.min_rate, policy_.fault_share * peak_);
    if (*rate_ <= floor) return false;
    const double factor = last_throttled_ == 0 ? policy_.first_decrease : policy_.decrease;
    last_throttled_ = *rate_;
    rate_ = std::max(floor, *rate_ * factor);
    last_decrease_ = now;
    ++decreases_;
    return true;
}

} // namespace harvest::limit
