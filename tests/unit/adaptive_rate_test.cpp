#include <harvest/limit/adaptive_rate.hpp>

#include <doctest/doctest.h>

using harvest::limit::adaptive_rate;
using harvest::limit::adaptive_rate_policy;
using namespace std::chrono_literals;

namespace {
const adaptive_rate::time_point t0{std::chrono::seconds(1000)};
}

TEST_CASE("adaptive rate: a throttle lowers the rate once for all the requests sent at the old pace, and the first one halves it") {
    adaptive_rate pace(10.0, t0);
    CHECK(pace.rate() == 10.0);
    CHECK(pace.throttled(t0 + 900ms, t0 + 1s));
    CHECK(*pace.rate() == doctest::Approx(5.0)); // nothing was throttled before: a burst may have hidden the limit
    CHECK_FALSE(pace.throttled(t0 + 950ms, t0 + 1100ms)); // in flight when the rate fell
    CHECK(*pace.rate() == doctest::Approx(5.0));
    CHECK(pace.throttled(t0 + 1200ms, t0 + 1300ms)); // sent at the new pace: lower again, by the decrease factor
    CHECK(*pace.rate() == doctest::Approx(4.75));
    CHECK(pace.throttles() == 3);
    CHECK(pace.decreases() == 2);
}

TEST_CASE("adaptive rate: quiet intervals raise it, multiplicatively up to the knee below the last throttled rate, then additively, never above the ceiling") {
    adaptive_rate pace(10.0, t0);
    REQUIRE(pace.throttled(t0, t0)); // 10 -> 5; the knee is 0.95 * 10
    CHECK_FALSE(pace.accepted(t0 + 500ms)); // not a whole quiet interval yet
    auto now = t0;
    for (double expected : {7.5, 9.5, 9.5 * 1.002}) {
        CHECK(pace.accepted(now += 1s));
        CHECK(*pace.rate() == doctest::Approx(expected));
    }
    for (int i = 0; i < 100; ++i) pace.accepted(now += 1s);
    CHECK(pace.rate() == 10.0);
    CHECK_FALSE(pace.accepted(now += 1s));
    CHECK(pace.rate() == 10.0);
}

TEST_CASE("adaptive rate: any throttle starts the quiet interval over, even one answered already") {
    adaptive_rate pace(10.0, t0);
    REQUIRE(pace.throttled(t0, t0));
    CHECK_FALSE(pace.throttled(t0 - 1ms, t0 + 900ms)); // in flight before the decrease
    CHECK_FALSE(pace.accepted(t0 + 1100ms));
    CHECK(pace.accepted(t0 + 1900ms));
    CHECK(pace.decreases() == 1);
}

TEST_CASE("adaptive rate: an unpaced host is paced when throttles outnumber its accepted answers, at the rate it accepted") {
    adaptive_rate pace(std::nullopt, t0);
    for (int i = 0; i < 20; ++i) CHECK_FALSE(pace.accepted(t0 + std::chrono::milliseconds(i)));
    CHECK_FALSE(pace.rate());
    for (int i = 0; i < 20; ++i) CHECK_FALSE(pace.throttled(t0 + 20ms, t0 + 21ms));
    CHECK_FALSE(pace.rate());
    CHECK(pace.throttled(t0 + 20ms, t0 + 22ms)); // 21 throttles, 20 accepted
    REQUIRE(pace.rate());
    CHECK(*pace.rate() == doctest::Approx(20.0)); // 20 in (at least) a second
    CHECK_FALSE(pace.throttled(t0 + 20ms, t0 + 23ms)); // in flight before pacing began
}

TEST_CASE("adaptive rate: a few throttles among many accepted answers leave an unpaced host unpaced") {
    adaptive_rate pace(std::nullopt, t0);
    auto now = t0;
    for (int i = 0; i < 10'000; ++i) {
        now += 1ms;
        if (i % 20 == 0) CHECK_FALSE(pace.throttled(now, now)); // 5 % faults at 1,000 requests/s
        else pace.accepted(now);
    }
    CHECK_FALSE(pace.rate());
}

TEST_CASE("adaptive rate: after pacing began, slow start multiplies the rate until the first throttle halves it") {
    adaptive_rate pace(std::nullopt, t0);
    pace.accepted(t0);
    for (int i = 0; i < 3; ++i) REQUIRE_FALSE(pace.throttled(t0, t0 + 1ms)); // fewer than 4 throttles pace nothing
    REQUIRE(pace.throttled(t0, t0 + 1ms));
    CHECK(*pace.rate() == doctest::Approx(1.0)); // the first rate is at least 1/s
    auto now = t0 + 1ms;
    for (double expected : {1.5, 2.25, 3.375}) {
        CHECK(pace.accepted(now += 1s));
        CHECK(*pace.rate() == doctest::Approx(expected));
    }
    CHECK(pace.throttled(now, now + 1ms));
    CHECK(*pace.rate() == doctest::Approx(3.375 / 2));
}

TEST_CASE("adaptive rate: throttles under half the rate the host accepted over 5 s are taken as faults") {
    adaptive_rate pace(100.0, t0);
    auto now = t0;
    for (int i = 0; i < 600; ++i) pace.accepted(now += 10ms); // 100/s for 6 s
    CHECK(pace.peak_accepted() == doctest::Approx(100.0).epsilon(0.01));
    for (int i = 0; i < 50; ++i) {
        now += 10ms;
        pace.throttled(now, now);
    }
    CHECK(*pace.rate() == doctest::Approx(50.0).epsilon(0.01));
    CHECK_FALSE(pace.throttled(now + 1s, now + 1s));
}

TEST_CASE("adaptive rate: several hosts keep their own pace") {
    adaptive_rate a(10.0, t0), b(10.0, t0);
    REQUIRE(a.throttled(t0 + 1s, t0 + 1s));
    CHECK(*a.rate() == doctest::Approx(5.0));
    CHECK(b.rate() == 10.0);
}

TEST_CASE("adaptive rate: a policy that cannot hold its window is refused") {
    adaptive_rate_policy p;
    p.window = 9s;
    CHECK_THROWS_AS(adaptive_rate(1.0, t0, p), std::invalid_argument);
    CHECK_THROWS_AS(adaptive_rate(0.0, t0), std::invalid_argument);
}
