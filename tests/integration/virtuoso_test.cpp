// The glycan listing against a real OpenLink Virtuoso with its shipped limits (tools/virtuoso),
// loaded with GlyTouCan-shaped graphs (tools/make-glycan-rdf): archived accessions excluded,
// every other exactly once, WURCS as in the Turtle; pages cut at ResultSetMaxRows, refused
// with SR353 or timing out are asked again smaller; a listing without any accession is an error.
#include "support/collect_run.hpp"
#include "support/test_server.hpp"
#include "support/virtuoso.hpp"

#include <regex>

using namespace harvest::test;
using namespace std::chrono_literals;

namespace {

// The accessions (or accession → WURCS) a Turtle file of the dataset states.
std::set<std::string> primary_ids(const fs::path& ttl) {
    static const std::regex id(R"re(has_primary_id "(G\w{7})")re");
    const auto text = read_text(ttl);
    std::set<std::string> out;
    for (std::sregex_iterator it(text.begin(), text.end(), id), end; it != end; ++it) out.insert((*it)[1]);
    return out;
}

std::map<std::string, std::string> wurcs_of(const fs::path& ttl) {
    static const std::regex seq(R"re(<http://rdf\.glycoinfo\.org/glycan/(G\w{7})/wurcs/2\.0> a glycan:glycosequence ; glycan:has_sequence "([^"]*)")re");
    const auto text = read_text(ttl);
    std::map<std::string, std::string> out;
    for (std::sregex_iterator it(text.begin(), text.end(), seq), end; it != end; ++it) out[(*it)[1]] = (*it)[2];
    return out;
}

std::vector<std::string> dry_run(const std::string& endpoint, std::vector<std::string> extra, process_result& r) {
    std::vector<std::string> args{HARVEST_EXE, "collect", "--source", "glytoucan", "--sparql-url", endpoint, "--dry-run", "--log-level", "debug"};
    args.insert(args.end(), extra.begin(), extra.end());
    r = run_process(args, 110s);
    return lines_of(r.out);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// The milliseconds of the first SPARQL request in a debug log: "... -> HTTP 200 (attempt 1, 52.3 ms)".
double first_request_ms(const std::string& err) {
    static const std::regex ms(R"re(POST \S+/sparql -> HTTP 200 \(attempt 1, ([0-9.]+) ms\))re");
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_search(err, m, ms), err);
    return std::stod(m[1]);
}

} // namespace

TEST_CASE("virtuoso: every non-archived accession exactly once, archived ones never, WURCS equal to the Turtle's") {
    auto& v = recorded_virtuoso();
    running_server server;
    temp_dir dir;
    const auto out = dir.path / "glycans.jsonl";
    const std::string fixture = "http://127.0.0.1:" + std::to_string(server.port());
    auto r = run_process({HARVEST_EXE, "collect", "--source", "glytoucan", "--sparql-url", v.endpoint(), "--glycosmos-url", fixture,
                          "--no-enrich", "--page-size", "300", "--out", out.string()},
                         110s);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto core = primary_ids(v.rdf_dir() / "core.ttl");
    const auto archived = primary_ids(v.rdf_dir() / "archive.ttl");
    REQUIRE(archived.size() == 20);
    std::set<std::string> expected;
    std::ranges::set_difference(core, archived, std::inserter(expected, expected.end()));
    const auto ids = check_jsonl(read_text(out)); // each id once
    CHECK(std::set<std::string>(ids.begin(), ids.end()) == expected);
    CHECK(ids.size() == expected.size());

    const auto wurcs = wurcs_of(v.rdf_dir() / "wurcs.ttl");
    REQUIRE(wurcs.size() > 20);
    simdjson::dom::parser parser;
    std::size_t compared = 0;
    for (const auto& line : lines_of(read_text(out))) {
        auto doc = parser.parse(line);
        const std::string id{std::string_view(doc["id"])};
        auto it = wurcs.find(id);
        std::string_view got;
        if (it == wurcs.end()) {
            CHECK_MESSAGE(doc["record"]["wurcs"].get(got) != simdjson::SUCCESS, id); // no sequence in the Turtle, none made up
            continue;
        }
        REQUIRE_MESSAGE(doc["record"]["wurcs"].get(got) == simdjson::SUCCESS, id);
        CHECK_MESSAGE(got == it->second, id);
        ++compared;
    }
    CHECK(compared == wurcs.size() - std::ranges::count_if(wurcs, [&](const auto& w) { return archived.contains(w.first); }));
}

TEST_CASE("virtuoso: 25,000 accessions under the shipped limits list completely, and cut or SR353-refused pages are asked again") {
    auto& v = synthesized_virtuoso();
    const auto all = primary_ids(v.rdf_dir() / "core.ttl");
    REQUIRE(all.size() == 25'000);
    process_result r;
    struct run {
        std::vector<std::string> flags;
        std::string expect_in_log;
    };
    const std::vector<run> runs{
        {{}, ""},                                                           // 5 pages of 5,000 and the empty one
        {{"--page-size", "8000"}, "SPARQL page 1: 10000 rows, 7499 accessions"}, // ResultSetMaxRows cut: 10,667 rows asked
        {{"--page-size", "12000"}, "refused (sort limit, SR353): asking for 6000"},  // MaxSortedTopRows 10,000
    };
    for (const auto& c : runs) {
        CAPTURE(c.expect_in_log);
        const auto ids = dry_run(v.endpoint(), c.flags, r);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(std::set<std::string>(ids.begin(), ids.end()) == all);
        CHECK(ids.size() == all.size()); // none twice
        if (!c.expect_in_log.empty()) CHECK_MESSAGE(r.err.find(c.expect_in_log) != std::string::npos, r.err);
    }
    dry_run(v.endpoint(), {}, r);
    CHECK(count(r.err, " -> HTTP 200 (attempt ") == 6); // a handful of requests for 25,000 accessions
}

TEST_CASE("virtuoso: a page that times out is asked again smaller, and the listing still completes") {
    auto& v = synthesized_virtuoso();
    // The limit sits between what a full page and a small page take on this machine now: the
    // fastest of three full pages and the slowest of three small ones, so noise cannot put a
    // small page above it.
    process_result r;
    double full_ms = 1e9, small_ms = 0;
    for (int i = 0; i < 3; ++i) {
        dry_run(v.endpoint(), {"--target", "1"}, r);
        full_ms = std::min(full_ms, first_request_ms(r.err));
        dry_run(v.endpoint(), {"--target", "1", "--page-size", "20"}, r);
        small_ms = std::max(small_ms, first_request_ms(r.err));
    }
    MESSAGE("first page of 5000: " << full_ms << " ms at best, of 20: " << small_ms << " ms at worst");
    const double limit_ms = std::max(std::sqrt(full_ms * small_ms), 2 * small_ms);
    const auto ids = dry_run(v.endpoint(), {"--timeout", std::to_string(limit_ms / 1000), "--retries", "2"}, r);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(std::set<std::string>(ids.begin(), ids.end()) == primary_ids(v.rdf_dir() / "core.ttl"));
    CHECK(ids.size() == 25'000);
    if (full_ms > 1.5 * limit_ms) CHECK_MESSAGE(r.err.find("refused (timeout): asking for 2500") != std::string::npos, r.err);
    else MESSAGE("a full page (" << full_ms << " ms) is too close to a small one here to provoke a timeout reliably");
}

TEST_CASE("virtuoso: a listing without any accession is exit 1 naming the endpoint and the graphs, never 'complete'") {
    auto& v = empty_virtuoso();
    temp_dir dir;
    auto r = run_process({HARVEST_EXE, "collect", "--source", "glytoucan", "--sparql-url", v.endpoint(), "--out", (dir.path / "g.jsonl").string()}, 60s);
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find("harvest: GlyTouCan SPARQL listing from " + v.endpoint() + " (graphs <http://rdf.glytoucan.org/core>, "
                             "<http://rdf.glytoucan.org/sequence/wurcs>, archive <http://rdf.glytoucan.org/archive> excluded)") != std::string::npos,
                  r.err);
    CHECK(r.err.find("no accession at all") != std::string::npos);
    CHECK(r.err.find("complete") == std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "g.jsonl"));
}
