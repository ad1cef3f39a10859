// Hostile and faulty servers, end to end: `harvest collect --source pypi` over a list of real
// projects plus one that misbehaves on every request (the fixture server's hostile-<kind>
// projects). Each scenario asserts bounded time, bounded peak memory (the child's ru_maxrss),
// one clear failure naming the hostile target, and every other target harvested.
#include "support/collect_run.hpp"
#include "support/test_client.hpp"
#include "support/test_server.hpp"
#include "support/virtuoso.hpp"

#include <chrono>
#include <fstream>

using namespace harvest::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using harvest::fixture::fault_kind;
using harvest::fixture::fixture_options;

namespace {

// Recorded projects the replay serves.
const std::vector<std::string> real_projects{"hbmqtt", "luigi", "pendulum", "poetry", "psycopg2", "pytest", "requests", "six"};

// Bounded memory: 160 MiB (the 64 MiB body limit, decoded and growing); ASan's shadow memory
// and quarantine multiply peak RSS, so a sanitized build gets 4 times that.
#ifdef HARVEST_SANITIZED
constexpr long rss_limit_kb = 4 * 160 * 1024;
#else
constexpr long rss_limit_kb = 160 * 1024;
#endif

struct hostile_outcome {
    process_result run;
    double seconds = 0;
    std::vector<std::string> written;
    std::string failures;
};

hostile_outcome harvest_with(std::uint16_t port, const std::vector<std::string>& hostiles, std::vector<std::string> flags,
                             const std::string& scheme = "http") {
    temp_dir dir;
    const auto ids = dir.path / "ids.txt";
    {
        std::ofstream f(ids);
        f << real_projects[0] << '\n' << real_projects[1] << '\n' << real_projects[2] << '\n';
        for (const auto& hostile : hostiles) f << hostile << '\n';
        for (std::size_t i = 3; i < real_projects.size(); ++i) f << real_projects[i] << '\n';
    }
    const auto out = dir.path / "p.jsonl";
    std::vector<std::string> args{HARVEST_EXE, "collect", "--source", "pypi", "--base-url", scheme + "://localhost:" + std::to_string(port),
                                  "--ids", ids.string(), "--out", out.string(), "--progress", "never"};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto started = std::chrono::steady_clock::now();
    hostile_outcome o;
    o.run = run_process(args, 120s);
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    o.written = check_jsonl(read_text(data_file(out)));
    o.failures = read_text(failures_of(out));
    return o;
}

// The scenario's verdict: exit 3, bounded, the hostile target failed with `reason`, the rest written.
void check_hostile(const std::string& kind, const std::string& reason, std::vector<std::string> flags = {}, double max_seconds = 30) {
    running_server server;
    const std::string id = "hostile-" + kind;
    flags.insert(flags.end(), {"--timeout", "2", "--retries", "1"});
    const auto o = harvest_with(server.port(), {id}, flags);
    MESSAGE(kind << ": " << o.seconds << " s, peak RSS " << o.run.peak_rss_kb / 1024 << " MiB; " << o.failures);
    CHECK_MESSAGE(o.run.exit_code == 3, o.run.err);
    CHECK(o.seconds < max_seconds);
    CHECK(o.run.peak_rss_kb < rss_limit_kb);
    CHECK(o.written.size() == real_projects.size());
    CHECK(std::count(o.failures.begin(), o.failures.end(), '\n') == 1);
    CHECK(o.failures.find("\"id\":\"" + id + "\"") != std::string::npos);
    CHECK_MESSAGE(o.failures.find(reason) != std::string::npos, o.failures);
}

} // namespace

TEST_CASE("hostile: a gzip bomb (4 MiB decoding to 4 GiB) fails fast at the body limit") {
    check_hostile("gzip-bomb", "body exceeds the configured size limit while decoding the body");
}

TEST_CASE("hostile: 40 responses at once promising 60 MiB each and sending 1 KiB cost memory for what arrived") {
    running_server server;
    std::vector<std::string> liars;
    for (int i = 0; i < 40; ++i) liars.push_back("hostile-lying-length-" + std::to_string(i));
    const auto o = harvest_with(server.port(), liars, {"--retries", "0"});
    MESSAGE("lying-length x40: " << o.seconds << " s, peak RSS " << o.run.peak_rss_kb / 1024 << " MiB");
    CHECK_MESSAGE(o.run.exit_code == 3, o.run.err);
    CHECK(o.run.peak_rss_kb < rss_limit_kb); // 40 x 60 MiB would be 2.4 GiB
    CHECK(o.written.size() == real_projects.size());
    CHECK(std::count(o.failures.begin(), o.failures.end(), '\n') == 40);
    CHECK(o.failures.find("partial message while reading the body") != std::string::npos);
}

TEST_CASE("hostile: a body larger than the limit fails as soon as its length is known") {
    check_hostile("huge-body", "body exceeds the configured size limit while reading the response header (Content-Length over the limit of 67108864 bytes)");
}

TEST_CASE("hostile: an endless chunked body fails at the body limit") {
    check_hostile("endless-chunked", "body exceeds the configured size limit while reading the body (limit 67108864 bytes)");
}

TEST_CASE("hostile: 100,000 header lines are refused") {
    check_hostile("many-headers", "header limit exceeded while reading the response header (over 65536 bytes)");
}

TEST_CASE("hostile: a 1 MiB header line is refused") {
    check_hostile("long-header-line", "header limit exceeded while reading the response header (over 65536 bytes)");
}

TEST_CASE("hostile: an invalid chunk size is a clear error") {
    check_hostile("bad-chunk-size", "bad chunk while reading the body");
}

TEST_CASE("hostile: a status line that is not HTTP is a clear error") {
    check_hostile("not-http", "bad version while reading the response header");
}

TEST_CASE("hostile: a slowloris server (one byte per second) is cut off by the timeout") {
    check_hostile("slowloris", "timeout while waiting for the response (2 s limit) after 2 attempts");
}

TEST_CASE("hostile: a server that accepts and never answers is cut off by the timeout") {
    check_hostile("never-answers", "timeout while waiting for the response (2 s limit) after 2 attempts", {}, 12);
}

TEST_CASE("hostile: a reset in mid-body on every attempt fails after the retries") {
    check_hostile("reset-mid", "Connection reset by peer while reading the body after 2 attempts");
}

TEST_CASE("hostile: a redirect loop is an error") {
    check_hostile("redirect-loop", "redirect loop back to http://localhost:");
}

TEST_CASE("hostile: a redirect to another scheme is refused") {
    check_hostile("redirect-scheme", "HTTP 302 with an unusable Location 'ftp://127.0.0.1/pypi/hostile/json'");
}

TEST_CASE("hostile: a 429 with Retry-After 600 fails within the retry budget instead of waiting ten minutes") {
    check_hostile("rate-storm", "HTTP 429 with Retry-After 600 s, beyond the retry budget (3 s left) after 1 attempt", {"--retry-budget", "3"}, 5);
}

TEST_CASE("hostile: a server that closes the connection after every response loses nothing") {
    fixture_options o;
    o.keep_alive = false;
    running_server server(o);
    const auto r = harvest_with(server.port(), {}, {"--timeout", "2"});
    MESSAGE("keep-alive off: " << r.seconds << " s, peak RSS " << r.run.peak_rss_kb / 1024 << " MiB");
    CHECK_MESSAGE(r.run.exit_code == 0, r.run.err);
    CHECK(r.written.size() == real_projects.size());
    CHECK(r.failures.empty());
    CHECK(r.run.peak_rss_kb < rss_limit_kb);
    const auto stats = get(server.port(), "/_fixture/stats");
    simdjson::dom::parser parser;
    auto doc = parser.parse(stats.body);
    CHECK(std::uint64_t(doc["connections"]) >= real_projects.size()); // one per request (plus this one)
}

TEST_CASE("hostile: TLS with an expired, an untrusted self-signed or a wrong-host certificate is refused, naming the host") {
    struct tls_case {
        std::string name;
        std::string cert_host;
        std::chrono::seconds valid_for;
        bool trusted;
    };
    for (const auto& c : {tls_case{"expired", "localhost", -std::chrono::seconds(3600), true},
                          tls_case{"self-signed, untrusted", "localhost", std::chrono::hours(1), false},
                          tls_case{"wrong host", "wrong.example", std::chrono::hours(1), true}}) {
        CAPTURE(c.name);
        self_signed_cert cert(c.cert_host, c.valid_for);
        fixture_options o;
        o.tls_cert = cert.cert();
        o.tls_key = cert.key();
        running_server server(o);
        std::vector<std::string> flags{"--timeout", "2", "--retries", "0"};
        if (c.trusted) flags.insert(flags.end(), {"--ca-file", cert.cert().string()});
        const auto r = harvest_with(server.port(), {}, flags, "https");
        MESSAGE(c.name << ": " << r.seconds << " s, peak RSS " << r.run.peak_rss_kb / 1024 << " MiB");
        CHECK(r.run.exit_code == 3);
        CHECK(r.written.empty());
        CHECK(std::count(r.failures.begin(), r.failures.end(), '\n') == static_cast<long>(real_projects.size()));
        CHECK_MESSAGE(r.failures.find("localhost") != std::string::npos, r.failures);
        CHECK_MESSAGE(r.failures.find("certificate") != std::string::npos, r.failures);
        CHECK(r.seconds < 30);
    }
}

TEST_CASE("hostile: a fault storm over 10,000 targets (20 % transient faults) accounts for every target, writes each once, and at least 99.9 %") {
    harvest::fixture::fixture_catalog catalog(HARVEST_FIXTURE_DIR, 10'000);
    fixture_options o;
    o.fault_rate = 0.2;
    o.faults = {fault_kind::http_500, fault_kind::http_502, fault_kind::http_503, fault_kind::http_429,
                fault_kind::reset_before, fault_kind::reset_mid, fault_kind::truncate, fault_kind::stall};
    o.stall = 30s;
    o.fault_retry_after = 0s; // the host pauses on each 429/503; how long is another test's business
    o.seed = 8;
    running_server server(o, catalog);
    temp_dir dir;
    const auto ids = dir.path / "ids.txt";
    std::set<std::string> targets;
    {
        std::ofstream f(ids);
        for (const auto& accession : catalog.glycan_accessions()) {
            if (targets.size() == 10'000) break;
            if (!catalog.glycan_wurcs(accession)) continue; // GlyCosmos knows no sequence: "not found", not a fault
            targets.insert(accession);
            f << accession << '\n';
        }
    }
    REQUIRE(targets.size() == 10'000);
    const auto out = dir.path / "g.jsonl.zst";
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_process(catalog_args(10'000, server.port(), out, {"--ids", ids.string(), "--timeout", "1", "--progress", "never"}), 300s);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK((r.exit_code == 0 || r.exit_code == 3));
    const auto written = check_jsonl(decompressed(data_file(out))); // fails on a duplicate
    std::set<std::string> accounted(written.begin(), written.end());
    std::size_t failed = 0;
    simdjson::dom::parser parser;
    for (const auto& line : lines_of(read_text(failures_of(out)))) {
        const std::string id(std::string_view(parser.parse(line)["id"]));
        CHECK_MESSAGE(accounted.insert(id).second, "written and failed: " << id);
        ++failed;
    }
    MESSAGE("fault storm: " << written.size() << " written, " << failed << " failed, " << seconds << " s, peak RSS "
                            << r.peak_rss_kb / 1024 << " MiB");
    CHECK(accounted == targets);
    CHECK(written.size() >= 9'990);
    CHECK(r.peak_rss_kb < rss_limit_kb);
    auto stats = parser.parse(get(server.port(), "/_fixture/stats").body);
    CHECK(std::uint64_t(stats["requests"]) > 12'000); // the faults did happen, and were retried
}

TEST_CASE("hostile: a 429 storm with Retry-After 600 on one host: no retry hammering, the wait capped by the budget, the records written unenriched") {
    fixture_options storm;
    storm.fault_rate = 1.0;
    storm.faults = {fault_kind::http_429};
    storm.fault_retry_after = 600s;
    running_server glygen(storm);
    running_server rest;
    temp_dir dir;
    const auto out = dir.path / "g.jsonl";
    const auto base = "http://127.0.0.1:" + std::to_string(rest.port());
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_process({HARVEST_EXE, "collect", "--source", "glytoucan", "--sparql-url", recorded_virtuoso().endpoint(), "--glycosmos-url", base,
                                "--glygen-url", "http://127.0.0.1:" + std::to_string(glygen.port()), "--target", "100", "--workers", "100",
                                "--retry-budget", "5", "--out", out.string(), "--progress", "never"},
                               60s);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    MESSAGE("429 storm: " << seconds << " s, peak RSS " << r.peak_rss_kb / 1024 << " MiB");
    CHECK_MESSAGE(r.exit_code == 0, r.err); // nothing lost: the sequences came from SPARQL
    CHECK(seconds < 15);
    CHECK(r.peak_rss_kb < rss_limit_kb);
    std::size_t storm_requests = 0;
    for (const auto& e : server_log(glygen.port())) storm_requests += e.status == 429;
    CHECK(storm_requests >= 1);
    CHECK(storm_requests <= 100); // at most one each: a Retry-After beyond the budget is not retried, nor asked after
    CHECK(server_log(rest.port()).empty()); // SPARQL answered every sequence meanwhile: GlyCosmos is not asked
    CHECK(read_text(failures_of(out)).empty());
    CHECK(check_jsonl(read_text(data_file(out))).size() == 100); // written unenriched, for a later run to enrich
    CHECK(r.err.find("incomplete        100") != std::string::npos);
}

TEST_CASE("hostile: an id the listing invents ('../../_fixture/reset') is a failure and never part of a URL") {
    temp_dir rdf;
    std::ofstream(rdf.path / "core.ttl") << "<http://rdf.glycoinfo.org/glycan/G17689DH> <http://www.glytoucan.org/glyco/owl/glytoucan#has_primary_id> \"G17689DH\" .\n"
                                            "<http://rdf.glycoinfo.org/glycan/x> <http://www.glytoucan.org/glyco/owl/glytoucan#has_primary_id> \"../../_fixture/reset\" .\n";
    std::ofstream(rdf.path / "graphs.tsv") << "core.ttl\thttp://rdf.glytoucan.org/core\n";
    virtuoso sparql(rdf.path);
    running_server server;
    temp_dir dir;
    auto r = run_process(harvest_args(server.port(), dir.path / "g.jsonl", {"--sparql-url", sparql.endpoint(), "--progress", "never"}), 60s);
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    CHECK(check_jsonl(read_text(data_file(dir.path / "g.jsonl"))).size() == 1);
    const auto failures = lines_of(read_text(failures_of(dir.path / "g.jsonl")));
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].find(R"("id":"../../_fixture/reset")") != std::string::npos);
    CHECK(failures[0].find("not a GlyTouCan accession") != std::string::npos);
    const auto log = server_log(server.port());
    REQUIRE_FALSE(log.empty()); // G17689DH's GlyGen detail: the log was never reset
    for (const auto& e : log) CHECK_MESSAGE(e.target.find("..") == std::string::npos, e.target);
}
