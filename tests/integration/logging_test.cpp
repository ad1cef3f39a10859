// --log-level debug and --log-format json, end to end: every request attempt and every retry,
// pause and permanence decision is one line; in JSON every figure is its own field.
#include "support/collect_run.hpp"
#include "support/test_server.hpp"

#include <harvest/logger.hpp>

#include <fstream>

using namespace harvest::test;
using namespace std::chrono_literals;
using harvest::fixture::fault_kind;
using harvest::fixture::fixture_options;

namespace {

std::vector<std::string> json_lines(const std::string& err) {
    std::vector<std::string> out;
    for (const auto& line : lines_of(err))
        if (line.starts_with("{")) out.push_back(line);
    return out;
}

} // namespace

TEST_CASE("logger: text lines carry the message, JSON lines every field, and levels below the least are dropped") {
    std::string out;
    const harvest::logger text(harvest::log_level::info, harvest::log_format::text, [&](std::string_view l) { out += l; },
                               [] { return std::string("T"); });
    text.debug("hidden");
    text.info("42 records", {{"records", 42}});
    text.warn("careful");
    CHECK(out == "T harvest: 42 records\nT harvest: warn: careful\n");
    out.clear();
    const harvest::logger json(harvest::log_level::debug, harvest::log_format::json, [&](std::string_view l) { out += l; },
                               [] { return std::string("T"); });
    json.debug("a \"quoted\" message", {{"count", std::size_t{3}}, {"delta", -2}, {"ms", 1.5}, {"ok", true}, {"url", "http://h/"}});
    CHECK(out == R"({"time":"T","level":"debug","message":"a \"quoted\" message","count":3,"delta":-2,"ms":1.5,"ok":true,"url":"http://h/"})"
                 "\n");
    CHECK(harvest::parse_log_level("debug") == harvest::log_level::debug);
    CHECK_FALSE(harvest::parse_log_level("verbose"));
}

TEST_CASE("collect --log-level debug: each attempt, retry, pause and permanent answer is a line, URLs redacted") {
    fixture_options o;
    o.fault_rate = 0.5;
    o.faults = {fault_kind::http_503};
    o.fault_retry_after = 1s;
    o.seed = 7;
    running_server server(o);
    temp_dir dir;
    const auto ids = ids_file(dir.path, "G17689DH\nG22768VO\nG99999ZZ\n");
    auto args = harvest_args(server.port(), dir.path / "g.jsonl", {"--ids", ids.string(), "--log-level", "debug", "--retry-budget", "30"});
    args[5] = "http://user:secret@127.0.0.1:" + std::to_string(server.port());
    auto r = run_process(args, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 3); // G99999ZZ exists nowhere
    const std::string base = "http://***@127.0.0.1:" + std::to_string(server.port());
    // G99999ZZ is not in GlyTouCan's SPARQL: GlyCosmos is asked for it, and only for it.
    CHECK(r.err.find("harvest: GET " + base + "/sparqlist/gtcid2seqs?gtcid=G99999ZZ -> HTTP 200 (attempt ") != std::string::npos);
    CHECK(r.err.find("gtcid2seqs?gtcid=G17689DH") == std::string::npos);
    CHECK(r.err.find("-> HTTP 503 (attempt 1, ") != std::string::npos);
    CHECK(r.err.find("harvest: retrying GET " + base + "/") != std::string::npos);
    CHECK(r.err.find("harvest: pausing 127.0.0.1 for 1 s (Retry-After on HTTP 503)") != std::string::npos);
    CHECK(r.err.find("/glycan/detail/G99999ZZ/: HTTP 500 is permanent (the body says so): not retried") != std::string::npos);
    CHECK(r.err.find("secret") == std::string::npos);

    auto quiet = run_process(harvest_args(server.port(), dir.path / "q.jsonl", {"--ids", ids.string(), "--retry-budget", "30"}), 60s);
    CHECK(quiet.err.find(" -> HTTP ") == std::string::npos); // info level: no request lines
}

TEST_CASE("collect --log-format json: every log line is a JSON object with its figures as fields") {
    fixture_options o;
    o.latency = 20ms;
    running_server server(o);
    temp_dir dir;
    auto r = run_process(harvest_args(server.port(), dir.path / "g.jsonl",
                                      {"--target", "40", "--workers", "4", "--log-format", "json", "--log-level", "debug", "--progress-interval", "0.1"}),
                         60s);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    simdjson::dom::parser parser;
    std::size_t requests = 0, progress = 0;
    for (const auto& line : json_lines(r.err)) {
        auto doc = parser.parse(line);
        REQUIRE_MESSAGE(doc.error() == simdjson::SUCCESS, line);
        CHECK(doc["time"].is_string());
        CHECK(doc["message"].is_string());
        std::string_view event;
        if (doc["event"].get(event)) continue;
        if (event == "request") {
            ++requests;
            CHECK(std::string_view(doc["method"]).size() >= 3);
            const auto status = std::uint64_t(doc["status"]);
            CHECK((status == 200 || status == 500)); // GlyGen answers 500 + non-existent-record for most
            if (status == 500) CHECK(std::string_view(doc["url"]).find("/glycan/detail/") != std::string_view::npos);
            CHECK(std::int64_t(doc["attempt"]) == 1);
            CHECK(double(doc["ms"]) >= 0.0);
        } else if (event == "progress") {
            ++progress;
            CHECK(std::string_view(doc["level"]) == "info");
            CHECK(std::uint64_t(doc["records"]) <= 40);
            CHECK(std::uint64_t(doc["target"]) == 40);
            CHECK(doc["records_per_second"].is_double());
            CHECK(doc["in_flight"].is_uint64());
        }
    }
    CHECK(requests >= 41); // 40 records' GlyGen details, plus the listing (sequences came with it)
    CHECK(progress >= 1);
}
