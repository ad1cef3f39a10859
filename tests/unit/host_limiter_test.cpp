#include <harvest/limit/host_limiter.hpp>

#include <doctest/doctest.h>

#include <set>
#include <optional>
#include <random>
#include <tuple>
#include <vector>

using namespace harvest::limit;
using namespace std::chrono_literals;
using time_point = host_limiter::time_point;

namespace {
const time_point t0{std::chrono::seconds(50)};

// A saturated client against a server that answers over its token bucket with a throttle
// (429 + Retry-After, or 503 without), on a fake clock: `workers` requests always waiting,
// `latency` per exchange. The figures the issue asks of a real run.
struct server_limit {
    double rate = 20;
    double burst = 20;
    bool retry_after = true;
};

struct simulated_run {
    int sent = 0, throttled = 0;             // after the first 5 s
    int accepted_last_minute = 0;            // of the last 60 s
    std::optional<double> settled;           // the limiter's rate at the end
};

// `jitter`: each request reaches the server up to this much later than `latency / 2`, at random
// (a busy event loop on either side), so two requests may arrive closer than they were sent.
simulated_run simulate(host_limiter& limiter, server_limit server_side, std::chrono::seconds length, int workers = 100,
                       std::chrono::milliseconds latency = 2ms, std::chrono::microseconds jitter = 0us) {
    token_bucket server(server_side.rate, server_side.burst, t0);
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> delay(0, jitter.count());
    enum class step { wake, answer };
    struct event {
        time_point when;
        long order; // first come, first served among equal times
        step what;
        host_limiter::ticket ticket;
        time_point sent;
        bool throttle;
        std::chrono::seconds retry_after;
    };
    const auto earlier = [](const event& a, const event& b) { return std::tie(a.when, a.order) < std::tie(b.when, b.order); };
    std::set<event, decltype(earlier)> events(earlier);
    long order = 0;
    for (int w = 0; w < workers; ++w) {
        const auto t = limiter.reserve(t0);
        events.insert({t.when, order++, step::wake, t, {}, false, 0s});
    }
    // As the client does: when the limiter voids the tickets, every waiter wakes and queues again.
    const auto wake_waiters = [&](time_point now) {
        std::vector<event> woken;
        for (auto it = events.begin(); it != events.end();) {
            if (it->what == step::wake && it->when > now) {
                woken.push_back(*it);
                it = events.erase(it);
            } else {
                ++it;
            }
        }
        for (auto& e : woken) {
            e.when = now;
            events.insert(e);
        }
    };
    simulated_run run;
    const auto end = t0 + length;
    while (!events.empty()) {
        const auto [now, unused_order, what, ticket, sent, throttle, retry_after] = *events.begin();
        events.erase(events.begin());
        if (now >= end) break;
        if (what == step::wake) {
            if (!limiter.valid(ticket)) {
                const auto again = limiter.reserve(now);
                events.insert({again.when, order++, step::wake, again, {}, false, 0s});
                continue;
            }
            const auto wait = server.try_acquire(now + latency / 2 + std::chrono::microseconds(delay(rng)));
            const bool over = wait > token_bucket::duration::zero();
            if (now >= t0 + 5s) {
                ++run.sent;
                run.throttled += over;
            }
            if (!over && now >= end - 60s) ++run.accepted_last_minute;
            // Retry-After in whole seconds, as the fixture server and most servers send it.
            const auto retry_after = over && server_side.retry_after ? std::chrono::ceil<std::chrono::seconds>(wait) : 0s;
            events.insert({now + latency, order++, step::answer, ticket, now, over, retry_after});
        } else {
            const bool changed = limiter.answered(sent, now, throttle);
            const bool paused = retry_after > 0s && limiter.pause_until(now + retry_after, now);
            if (changed || paused) wake_waiters(now);
            const auto next = limiter.reserve(now);
            events.insert({next.when, order++, step::wake, next, {}, false, 0s});
        }
    }
    run.settled = limiter.rate();
    return run;
}

// `accepted_share`: of the limit, served in the last minute (each throttle also costs the server's
// Retry-After pause of a second).
void check_settles(const simulated_run& run, double limit, double accepted_share = 0.9) {
    INFO("sent " << run.sent << ", throttled " << run.throttled << ", accepted in the last minute " << run.accepted_last_minute
                 << ", settled at " << run.settled.value_or(0));
    REQUIRE(run.settled);
    CHECK(*run.settled >= 0.9 * limit);
    CHECK(*run.settled <= 1.1 * limit);
    CHECK(run.throttled <= 0.02 * run.sent);
    CHECK(run.accepted_last_minute >= accepted_share * 60 * limit);
}
} // namespace

TEST_CASE("host limiter: a configured rate runs 2 % under the ceiling and keeps one token of the burst in reserve") {
    host_limiter limiter(bucket_size{20, 20}, t0);
    CHECK(*limiter.rate() == doctest::Approx(19.6));
    for (int i = 0; i < 19; ++i) CHECK(limiter.reserve(t0).when == t0);
    CHECK(limiter.reserve(t0).when > t0);
    host_limiter single(bucket_size{5, 1}, t0);
    CHECK(single.reserve(t0).when == t0);
    CHECK(single.reserve(t0).when > t0 + 200ms);
}

TEST_CASE("host limiter: a pause holds every request and invalidates the tickets handed out before it") {
    host_limiter limiter(bucket_size{10, 1}, t0);
    const auto first = limiter.reserve(t0);
    const auto second = limiter.reserve(t0);
    CHECK(first.when == t0);
    CHECK(second.when > t0);
    limiter.pause_until(t0 + 2s, t0 + 10ms);
    limiter.pause_until(t0 + 1s, t0 + 10ms); // never shortened
    CHECK(limiter.paused_until() == t0 + 2s);
    CHECK_FALSE(limiter.valid(second)); // queued at the old pace: must wait again
    const auto a = limiter.reserve(t0 + 100ms);
    const auto b = limiter.reserve(t0 + 100ms);
    CHECK(limiter.valid(a));
    CHECK(a.when == t0 + 2s);
    CHECK(b.when >= t0 + 2s + 100ms);
    CHECK(b.when <= t0 + 2s + 110ms);

    host_limiter unpaced(std::nullopt, t0);
    CHECK(unpaced.reserve(t0).when == t0);
    unpaced.pause_until(t0 + 3s, t0);
    CHECK(unpaced.reserve(t0).when == t0 + 3s);
}

TEST_CASE("host limiter: a change of rate invalidates the queued tickets") {
    host_limiter limiter(bucket_size{10, 1}, t0);
    limiter.reserve(t0);
    const auto queued = limiter.reserve(t0);
    limiter.answered(t0 + 1ms, t0 + 2ms, true);
    CHECK(*limiter.rate() == doctest::Approx(9.8 * 0.5)); // the first throttle halves it
    CHECK_FALSE(limiter.valid(queued));
    const auto fresh = limiter.reserve(t0 + 3ms);
    const auto second = limiter.reserve(t0 + 3ms);
    limiter.answered(t0 + 3ms, t0 + 1s, false); // not yet quiet for a whole second
    CHECK(limiter.valid(fresh));
    limiter.answered(t0 + 3ms, t0 + 2s + 3ms, false); // a quiet interval later: the rate rises (slow start)
    CHECK(*limiter.rate() == doctest::Approx(9.8 * 0.5 * 1.5));
    CHECK_FALSE(limiter.valid(second));
    const auto a = limiter.reserve(t0 + 2s + 3ms);
    const auto b = limiter.reserve(t0 + 2s + 3ms);
    CHECK(a.when == t0 + 2s + 3ms);
    CHECK(b.when - a.when <= std::chrono::duration_cast<token_bucket::duration>(std::chrono::duration<double>(1 / (9.8 * 0.5 * 1.5))) + 1us);
}

TEST_CASE("host limiter: an unpaced host that throttles is paced from then on") {
    host_limiter limiter(std::nullopt, t0);
    CHECK_FALSE(limiter.rate());
    limiter.answered(t0, t0 + 1ms, false);
    for (int i = 0; i < 3; ++i) limiter.answered(t0, t0 + 1ms, true);
    CHECK_FALSE(limiter.rate()); // three throttles: not yet
    const auto before = limiter.reserve(t0 + 1ms);
    limiter.answered(t0, t0 + 2ms, true);
    REQUIRE(limiter.rate());
    CHECK_FALSE(limiter.valid(before));
    CHECK(limiter.reserve(t0 + 2ms).when == t0 + 2ms);
    CHECK(limiter.reserve(t0 + 2ms).when >= t0 + 2ms + 1s / *limiter.rate() - 1ms);
}

TEST_CASE("host limiter: 100 workers against a server at 20/s (burst 20, 429 + Retry-After) settle near its rate") {
    host_limiter limiter(std::nullopt, t0);
    check_settles(simulate(limiter, {20, 20, true}, 300s), 20);
}

TEST_CASE("host limiter: 100 workers against a server at 5/s (burst 1, 429 + Retry-After) settle near its rate") {
    host_limiter limiter(std::nullopt, t0);
    check_settles(simulate(limiter, {5, 1, true}, 600s), 5);
}

TEST_CASE("host limiter: a server at 20/s answering 503 without Retry-After is learned the same way") {
    host_limiter limiter(std::nullopt, t0);
    check_settles(simulate(limiter, {20, 20, false}, 300s), 20);
}

TEST_CASE("host limiter: configured at a server's exact rate and burst, no request is throttled") {
    for (double rate : {5.0, 20.0, 100.0}) {
        CAPTURE(rate);
        host_limiter limiter(bucket_size{rate, rate}, t0);
        const auto run = simulate(limiter, {rate, rate, true}, 120s, 100, 7ms);
        CHECK(run.throttled == 0);
        CHECK(run.accepted_last_minute >= 0.97 * 60 * rate);
    }
}

TEST_CASE("host limiter: a configured rate above the server's is lowered by the first throttles") {
    host_limiter limiter(bucket_size{40, 1}, t0);
    check_settles(simulate(limiter, {20, 1, true}, 300s), 20);
}

TEST_CASE("host limiter: with up to 5 ms of jitter per request, 100 workers against a server at 20/s (burst 1) settle near its rate") {
    host_limiter limiter(std::nullopt, t0);
    // Jitter throttles a rate just under the limit now and then: each costs a 1 s pause.
    check_settles(simulate(limiter, {20, 1, true}, 300s, 100, 2ms, 5ms), 20, 0.85);
}
