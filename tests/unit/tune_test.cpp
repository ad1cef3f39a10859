// harvest tune's analysis without processes: summaries read, recommendations computed from
// synthetic measurements of known bottlenecks, and the chart's SVG.
#include <harvest/tune/recommendation.hpp>
#include <harvest/tune/svg_writer.hpp>
#include <harvest/tune/trial.hpp>
#include <harvest/tune/tune_chart.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace harvest::tune;

namespace {

// A trial of 1,000 records taking 2 requests each, at `rps` records/s.
trial_result trial(std::size_t workers, std::size_t batch, double rps, double limiter_s = 0, double network_s = 10,
                   double convert_write_s = 0.05, std::uint64_t too_many = 0, double cpu_s = 1) {
    trial_result t;
    t.workers = workers;
    t.batch_size = batch;
    t.records = 1000;
    t.requests = 2000;
    t.records_per_second = rps;
    t.seconds = 1000 / rps;
    t.p50_ms = 20;
    t.limiter_wait_s = limiter_s;
    t.network_s = network_s;
    t.convert_write_s = convert_write_s;
    t.status_429 = too_many;
    t.cpu_seconds = cpu_s;
    return t;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

} // namespace

TEST_CASE("tune: a trial's summary is read field by field, a missing or mistyped field is named") {
    const std::string good = R"({"records":120,"requests":241,"retries":3,"requests_by_status":{"200":238,"429":3},"elapsed_seconds":2.0,)"
                             R"("records_per_second":60.0,"latency_ms":{"p50":20.5,"p95":24,"p99":30},)"
                             R"("time_seconds":{"limiter_wait":1.5,"network":4.8,"convert_write":0.02}})";
    trial_result t;
    CHECK(read_trial_summary(good, t).empty());
    CHECK(t.records == 120);
    CHECK(t.requests == 241);
    CHECK(t.status_429 == 3);
    CHECK(t.p95_ms == 24);
    CHECK(t.limiter_wait_s == 1.5);
    CHECK(read_trial_summary("{", t) == "the trial's summary is not JSON");
    CHECK(read_trial_summary(R"({"records":1})", t) == "the trial's summary has no requests");
    std::string wrong = good;
    wrong.replace(wrong.find("20.5"), 4, "\"x\"");
    CHECK(read_trial_summary(wrong, t) == "the trial's summary: latency_ms.p50 is not a number");
}

TEST_CASE("tune: a rate-limited grid recommends the knee and says the limiter is the reason") {
    // --rate 200 req/s, 2 requests per record: a ceiling of 100 records/s, reached at 16 workers.
    const std::vector<trial_result> trials{trial(1, 50, 24), trial(4, 50, 83), trial(16, 50, 96, 20, 5), trial(64, 50, 97, 90, 5)};
    const auto refs = measure_references(trials, 200.0);
    CHECK(refs.requests_per_record == 2);
    REQUIRE(refs.limiter_records_per_s);
    CHECK(*refs.limiter_records_per_s == 100);
    REQUIRE(refs.ideal_records_per_s(4));
    CHECK(*refs.ideal_records_per_s(4) == doctest::Approx(100)); // 4 slots / (20 ms × 2 requests)
    const auto r = recommend(trials, refs);
    CHECK(r.workers == 16);
    CHECK(r.batch_size == 50);
    CHECK_MESSAGE(r.reason.find("workers 16: rate-limited at 100.0 records/s (the limiter's 200.0 req/s)") == 0, r.reason);
    CHECK(r.reason.find("95 % of request time at 64") != std::string::npos); // 90 / (90 + 5)
}

TEST_CASE("tune: records/s still growing at the most workers tried is latency-bound") {
    const std::vector<trial_result> trials{trial(1, 50, 25), trial(10, 50, 240), trial(50, 50, 1100)};
    const auto r = recommend(trials, measure_references(trials, std::nullopt));
    CHECK(r.workers == 50);
    CHECK_MESSAGE(r.reason.find("workers 50: latency-bound") == 0, r.reason);
}

TEST_CASE("tune: 429s above the knee, a busy CPU, or a plain plateau each give their own reason") {
    SUBCASE("the server pushes back") {
        const std::vector<trial_result> trials{trial(1, 50, 25), trial(10, 50, 200), trial(50, 50, 198, 0, 10, 0.05, 40)};
        const auto r = recommend(trials, measure_references(trials, std::nullopt));
        CHECK(r.workers == 10);
        CHECK_MESSAGE(r.reason.find("pushes back above 10 workers (40 × 429)") != std::string::npos, r.reason);
    }
    SUBCASE("CPU-bound") {
        // 900 records/s with 1.1 CPU-seconds over 1.11 s: a core busy.
        const std::vector<trial_result> trials{trial(10, 50, 300), trial(50, 50, 900, 0, 10, 0.05, 0, 1.1), trial(100, 50, 905, 0, 10, 0.05, 0, 1.1)};
        const auto r = recommend(trials, measure_references(trials, std::nullopt));
        CHECK(r.workers == 50);
        CHECK_MESSAGE(r.reason.find("CPU-bound") != std::string::npos, r.reason);
    }
    SUBCASE("flat") {
        const std::vector<trial_result> trials{trial(10, 50, 300), trial(50, 50, 500), trial(100, 50, 505)};
        const auto r = recommend(trials, measure_references(trials, std::nullopt));
        CHECK(r.workers == 50);
        CHECK_MESSAGE(r.reason.find("records/s flat above 50 workers") != std::string::npos, r.reason);
    }
}

TEST_CASE("tune: the batch size is the smallest whose write cost per record is near the cheapest") {
    // fsync per batch: 10 → 0.5 s per 1000 records, 200 → 0.03, 1000 → 0.028.
    const std::vector<trial_result> trials{trial(50, 10, 480, 0, 10, 0.5), trial(50, 200, 500, 0, 10, 0.03), trial(50, 1000, 501, 0, 10, 0.028)};
    const auto r = recommend(trials, measure_references(trials, std::nullopt));
    CHECK(r.batch_size == 200);
    CHECK_MESSAGE(r.reason.find("batch 200: converting and writing cost flat from 200 (30.0 ms per 1000 records, 500.0 at 10)") != std::string::npos,
                  r.reason);
    CHECK_THROWS_AS(recommend({trial(1, 10, 0)}, {}), std::invalid_argument);
}

TEST_CASE("tune chart: one line per batch size, both reference lines, the choice marked, text escaped") {
    const std::vector<trial_result> trials{trial(1, 10, 24), trial(16, 10, 96), trial(1, 100, 25), trial(16, 100, 97)};
    const auto refs = measure_references(trials, 200.0);
    const auto svg = tune_chart_svg(trials, refs, recommend(trials, refs), "a <b> & c");
    CHECK(svg.starts_with("<?xml"));
    CHECK(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
    CHECK(svg.ends_with("</svg>\n"));
    CHECK(count(svg, "<polyline") == 3); // two batch sizes and the ideal
    CHECK(count(svg, "stroke-dasharray=\"8 5\"") == 2); // the limiter line and its legend
    CHECK(svg.find(">batch 10<") != std::string::npos);
    CHECK(svg.find(">batch 100<") != std::string::npos);
    CHECK(svg.find(">recommended<") != std::string::npos);
    CHECK(svg.find("a &lt;b&gt; &amp; c") != std::string::npos);
    CHECK(count(svg, "<g") == count(svg, "</g>"));
    CHECK(count(svg, "<circle") - count(svg, "<circle cx=\"") == 0);
    CHECK(svg_writer::number(2.5) == "2.5");
    CHECK(svg_writer::number(3.0) == "3");
    CHECK(svg_writer::number(-0.001) == "0");
}
