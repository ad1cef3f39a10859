#include <harvest/limit/token_bucket.hpp>

#include <doctest/doctest.h>

#include <stdexcept>

using harvest::limit::token_bucket;
using namespace std::chrono_literals;

namespace {
const token_bucket::time_point t0{std::chrono::seconds(1000)};

// Waits are rounded up to the clock's tick, so floating-point error may add a nanosecond.
bool is_about(token_bucket::duration actual, token_bucket::duration expected) {
    return actual >= expected && actual <= expected + std::chrono::microseconds(1);
}
} // namespace

TEST_CASE("a new bucket holds `burst` tokens, then makes callers wait 1/rate") {
    token_bucket bucket(10.0, 5.0, t0);
    for (int i = 0; i < 5; ++i) CHECK(bucket.try_acquire(t0) == token_bucket::duration::zero());
    CHECK(is_about(bucket.try_acquire(t0), 100ms));
}

TEST_CASE("tokens refill continuously at the configured rate") {
    token_bucket bucket(20.0, 1.0, t0);
    REQUIRE(bucket.try_acquire(t0) == token_bucket::duration::zero());
    CHECK(is_about(bucket.try_acquire(t0 + 49ms), 1ms));
    CHECK(bucket.try_acquire(t0 + 50ms) == token_bucket::duration::zero());
}

TEST_CASE("a greedy caller gets exactly burst + rate * elapsed tokens") {
    token_bucket bucket(20.0, 1.0, t0);
    int granted = 0;
    for (auto now = t0; now <= t0 + 10s; now += 1ms)
        if (bucket.try_acquire(now) == token_bucket::duration::zero()) ++granted;
    CHECK(granted == 1 + 20 * 10);
}

TEST_CASE("fractional rates are honoured") {
    token_bucket bucket(0.5, 1.0, t0);
    REQUIRE(bucket.try_acquire(t0) == token_bucket::duration::zero());
    CHECK(is_about(bucket.try_acquire(t0), 2s));
    CHECK(bucket.try_acquire(t0 + 1999ms) > token_bucket::duration::zero());
    CHECK(bucket.try_acquire(t0 + 2s) == token_bucket::duration::zero());
}

TEST_CASE("the bucket never holds more than burst, however long it idles") {
    token_bucket bucket(100.0, 3.0, t0);
    CHECK(bucket.available(t0 + 1h) == doctest::Approx(3.0));
}

TEST_CASE("reserve hands out future slots in call order") {
    token_bucket bucket(10.0, 1.0, t0);
    CHECK(bucket.reserve(t0) == token_bucket::duration::zero());
    CHECK(is_about(bucket.reserve(t0), 100ms));
    CHECK(is_about(bucket.reserve(t0), 200ms));
    CHECK(bucket.available(t0) == doctest::Approx(-2.0));
    // Once the reserved slots have passed, the bucket is back to normal.
    CHECK(is_about(bucket.reserve(t0 + 300ms), 0ms));
}

TEST_CASE("a clock that steps backwards adds no tokens") {
    token_bucket bucket(1.0, 1.0, t0);
    REQUIRE(bucket.try_acquire(t0) == token_bucket::duration::zero());
    CHECK(bucket.try_acquire(t0 - 10s) > token_bucket::duration::zero());
    CHECK(is_about(bucket.try_acquire(t0 + 500ms), 500ms));
}

TEST_CASE("nonsensical configurations are refused") {
    CHECK_THROWS_AS(token_bucket(0.0, 1.0, t0), std::invalid_argument);
    CHECK_THROWS_AS(token_bucket(-1.0, 1.0, t0), std::invalid_argument);
    CHECK_THROWS_AS(token_bucket(1.0, 0.5, t0), std::invalid_argument);
}
