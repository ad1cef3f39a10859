#include <harvest/error.hpp>
#include <harvest/limit/backoff.hpp>
#include <harvest/limit/retry_after.hpp>
#include <harvest/limit/retry_policy.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <doctest/doctest.h>

using namespace harvest::limit;
using namespace std::chrono_literals;

TEST_CASE("full-jitter backoff stays within [0, min(cap, base * 2^n)]") {
    backoff_policy p{100ms, 5s};
    CHECK(p.ceiling(0) == 100ms);
    CHECK(p.ceiling(1) == 200ms);
    CHECK(p.ceiling(5) == 3200ms);
    CHECK(p.ceiling(6) == 5s);
    CHECK(p.ceiling(1000) == 5s); // no overflow
    CHECK(p.delay(3, 0.0) == 0ms);
    CHECK(p.delay(3, 0.5) == 400ms);
    CHECK(p.delay(3, 0.999999) < 800ms);
    CHECK(p.delay(3, 7.0) == 800ms); // out-of-range randomness is clamped
}

TEST_CASE("Retry-After: delay-seconds") {
    const auto now = std::chrono::system_clock::now();
    CHECK(parse_retry_after("120", now) == 120s);
    CHECK(parse_retry_after(" 0 ", now) == 0s);
    CHECK(parse_retry_after("99999999999999999999999", now) == std::chrono::seconds::max());
    CHECK_FALSE(parse_retry_after("12abc", now));
    CHECK_FALSE(parse_retry_after("-5", now));
    CHECK_FALSE(parse_retry_after("", now));
}

TEST_CASE("Retry-After: the three HTTP-date forms") {
    const auto date = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    REQUIRE(date);
    CHECK(date->time_since_epoch() == 784111777s);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == date);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == date);
    CHECK_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
    CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
    CHECK_FALSE(parse_http_date("yesterday"));

    const auto now = *date - 90s;
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == 90s);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", *date + 1h) == 0s); // in the past: no wait
}

TEST_CASE("retryable statuses are exactly 408, 429, 500, 502, 503, 504") {
    for (unsigned s : {408u, 429u, 500u, 502u, 503u, 504u}) CHECK(is_retryable_status(s));
    for (unsigned s : {200u, 301u, 304u, 400u, 401u, 403u, 404u, 410u, 501u, 505u}) CHECK_FALSE(is_retryable_status(s));
}

TEST_CASE("transport errors: transient ones are retried, verification and limits are not") {
    CHECK(is_retryable_error(boost::system::error_code(boost::beast::error::timeout)));
    CHECK(is_retryable_error(boost::system::error_code(boost::asio::error::connection_reset)));
    CHECK(is_retryable_error(boost::system::error_code(boost::asio::error::connection_refused)));
    CHECK(is_retryable_error(boost::system::error_code(boost::asio::error::eof)));
    CHECK(is_retryable_error(boost::system::error_code(boost::beast::http::error::partial_message)));
    CHECK(is_retryable_error(boost::system::error_code(boost::asio::ssl::error::stream_truncated)));
    CHECK(is_retryable_error(harvest::errc::bad_content_coding));
    CHECK_FALSE(is_retryable_error(harvest::errc::body_too_large));
    CHECK_FALSE(is_retryable_error(harvest::errc::bad_url));
    CHECK_FALSE(is_retryable_error(boost::system::error_code(boost::beast::http::error::bad_version)));
    CHECK_FALSE(is_retryable_error(std::error_code()));
}

TEST_CASE("retry_state: counts retries and honours the budget") {
    retry_policy policy{3, 10s, backoff_policy{1s, 4s}};
    retry_state r(policy);
    CHECK(r.next_wait(std::nullopt, 0.5) == 500ms);
    CHECK(r.next_wait(std::nullopt, 0.5) == 1s);
    CHECK(r.next_wait(std::nullopt, 0.5) == 2s);
    CHECK_FALSE(r.next_wait(std::nullopt, 0.5)); // three retries allowed
    CHECK(r.retries() == 3);
    CHECK(r.spent() == 3500ms);
}

TEST_CASE("retry_state: Retry-After overrides a shorter backoff, and a longer one than the budget ends retries") {
    retry_policy policy{10, 30s, backoff_policy{100ms, 1s}};
    retry_state r(policy);
    CHECK(r.next_wait(5s, 0.0) == 5s);
    CHECK(r.next_wait(20s, 0.0) == 20s);
    CHECK(r.remaining_budget() == 5s);
    CHECK_FALSE(r.next_wait(600s, 0.0)); // a 10-minute Retry-After does not fit
}
