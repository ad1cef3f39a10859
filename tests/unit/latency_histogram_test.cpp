#include <harvest/http/latency_histogram.hpp>

#include <doctest/doctest.h>

using harvest::http::latency_histogram;
using namespace std::chrono_literals;

TEST_CASE("latency histogram: percentiles within 2 % of the exact ones, in constant memory") {
    latency_histogram h;
    CHECK(h.percentile(0.5) == 0us);
    for (int ms = 1; ms <= 1000; ++ms) h.record(std::chrono::milliseconds(ms));
    CHECK(h.count() == 1000);
    auto near = [](std::chrono::microseconds got, double want_us) { return std::abs(static_cast<double>(got.count()) - want_us) <= 0.02 * want_us; };
    CHECK(near(h.percentile(0.50), 500'000));
    CHECK(near(h.percentile(0.95), 950'000));
    CHECK(near(h.percentile(0.99), 990'000));
    CHECK(near(h.percentile(1.0), 1'000'000));
    CHECK(near(h.percentile(0.0), 1'000));
    for (int i = 0; i < 9000; ++i) h.record(20ms); // a mode dominates the median
    CHECK(near(h.percentile(0.5), 20'000));
    CHECK(near(h.percentile(0.99), 900'000));
}

TEST_CASE("latency histogram: sub-microsecond and huge latencies are kept, not dropped") {
    latency_histogram h;
    h.record(100ns);
    h.record(std::chrono::hours(24 * 365));
    CHECK(h.count() == 2);
    CHECK(h.percentile(0.5) == 0us);
    CHECK(h.percentile(1.0) > std::chrono::hours(24 * 7)); // clamped into the last bucket (two weeks)
}
