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

// A Turtle string literal's text.
std::string unescaped(const std::string& literal) {
    std::string out;
    for (std::size_t i = 0; i < literal.size(); ++i) {
        if (literal[i] != '\\' || i + 1 == literal.size()) {
            out += literal[i];
            continue;
        }
        const char c = literal[++i];
        out += c == 'n' ? '\n' : c;
    }
    return out;
}

// accession → value, for each match of `pattern` (groups: accession, value) in a Turtle file.
std::map<std::string, std::string> values_in(const fs::path& ttl, const std::string& pattern) {
    const std::regex re(pattern);
    const auto text = read_text(ttl);
    std::map<std::string, std::string> out;
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) out[(*it)[1]] = unescaped((*it)[2]);
    return out;
}

// The record fields the dataset's graphs state, per accession: each from its graph's own shape.
std::map<std::string, std::map<std::string, std::string>> turtle_fields(const fs::path& rdf) {
    const std::string literal = R"re("([^"]*)")re"; // the dataset's literals hold no quote
    std::map<std::string, std::map<std::string, std::string>> out;
    auto add = [&](const std::string& field, const std::map<std::string, std::string>& values) {
        for (const auto& [acc, v] : values) out[acc][field] = v;
    };
    add("wurcs", values_in(rdf / "wurcs.ttl", R"re(<http://rdf\.glycoinfo\.org/glycan/(G\w{7})/wurcs/2\.0> a glycan:glycosequence ; glycan:has_sequence )re" + literal));
    add("glycoct", values_in(rdf / "glycoct.ttl", R"re(<http://rdf\.glycoinfo\.org/glycan/(G\w{7})/glycoct> rdfs:label "\w+" ; glycan:has_sequence )re" + literal));
    add("iupac_condensed", values_in(rdf / "iupac.ttl", R"re(<http://rdf\.glycosmos\.org/glycan/(G\w{7})/iupac_condensed> glycan:has_sequence )re" + literal));
    add("mass", values_in(rdf / "mass.ttl", R"re(<http://rdf\.glycoinfo\.org/glycan/(G\w{7})> glytoucan:has_derivatized_mass <[^>]*> \.\n<[^>]*> )re"
                                            R"re(a glytoucan:derivatized_mass ; rdfs:label "[^"]*"\^\^xsd:string ; glytoucan:has_mass ([0-9.eE+-]+))re"));
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

TEST_CASE("virtuoso: every non-archived accession exactly once, archived ones never, sequences and masses equal to the Turtle's") {
    auto& v = recorded_virtuoso();
    running_server server;
    temp_dir dir;
    const auto out = dir.path / "glycans.jsonl";
    const std::string fixture = "http://127.0.0.1:" + std::to_string(server.port());
    auto r = run_process({HARVEST_EXE, "collect", "--source", "glytoucan", "--sparql-url", v.endpoint(), "--glycosmos-url", fixture,
                          "--no-enrich", "--page-size", "30", "--out", out.string(), "--summary", (dir.path / "summary.json").string()},
                         110s);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto core = primary_ids(v.rdf_dir() / "core.ttl");
    const auto archived = primary_ids(v.rdf_dir() / "archive.ttl");
    REQUIRE(archived.size() == 21);
    std::set<std::string> expected;
    std::ranges::set_difference(core, archived, std::inserter(expected, expected.end()));
    const auto ids = check_jsonl(read_text(data_file(out))); // each id once
    CHECK(std::set<std::string>(ids.begin(), ids.end()) == expected);
    CHECK(ids.size() == expected.size());
    CHECK(server_log(server.port()).empty()); // every value came from SPARQL: no per-glycan request

    const auto turtle = turtle_fields(v.rdf_dir());
    std::map<std::string, std::size_t> compared;
    simdjson::dom::parser parser;
    for (const auto& line : lines_of(read_text(data_file(out)))) {
        auto doc = parser.parse(line);
        const std::string id{std::string_view(doc["id"])};
        const auto it = turtle.find(id);
        REQUIRE_MESSAGE(it != turtle.end(), id << ": written with nothing in the Turtle");
        for (const std::string field : {"wurcs", "glycoct", "iupac_condensed", "mass"}) {
            CAPTURE(id);
            CAPTURE(field);
            const auto want = it->second.find(field);
            auto got = doc["record"][field];
            if (want == it->second.end()) {
                CHECK(got.error() == simdjson::NO_SUCH_FIELD); // none made up
                continue;
            }
            REQUIRE(got.error() == simdjson::SUCCESS);
            if (field == "mass") CHECK(double(got) == doctest::Approx(std::stod(want->second)).epsilon(1e-12));
            else CHECK(std::string_view(got) == want->second);
            ++compared[field];
        }
    }
    MESSAGE("compared with the Turtle: " << compared["wurcs"] << " WURCS, " << compared["glycoct"] << " GlycoCT, "
                                          << compared["iupac_condensed"] << " IUPAC, " << compared["mass"] << " masses");
    CHECK(compared["wurcs"] > 50);
    CHECK(compared["glycoct"] > 10);
    CHECK(compared["iupac_condensed"] > 20);
    CHECK(compared["mass"] > 10);
    auto summary = parser.parse(read_text(dir.path / "summary.json"));
    CHECK(std::uint64_t(summary["requests"]) == 5); // 100 accessions in pages of 30, and the empty page
}

TEST_CASE("virtuoso: 25,000 accessions under the shipped limits list completely, and cut or SR353-refused pages are asked again") {
    auto& v = synthesized_virtuoso();
    std::set<std::string> all;
    std::ranges::set_difference(primary_ids(v.rdf_dir() / "core.ttl"), primary_ids(v.rdf_dir() / "archive.ttl"), std::inserter(all, all.end()));
    REQUIRE(all.size() == 25'100);
    process_result r;
    struct run {
        std::vector<std::string> flags;
        std::string expect_in_log;
    };
    const std::vector<run> runs{
        {{}, ""},                                                      // 6 pages (5,000 at most) and the empty one
        {{"--page-size", "8000"}, "SPARQL page 1: 10000 rows, "}, // ResultSetMaxRows cut: about 10,700 rows asked
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
    CHECK(count(r.err, " -> HTTP 200 (attempt ") == 7); // a handful of requests for 25,100 accessions
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
    std::set<std::string> listed;
    std::ranges::set_difference(primary_ids(v.rdf_dir() / "core.ttl"), primary_ids(v.rdf_dir() / "archive.ttl"), std::inserter(listed, listed.end()));
    CHECK(std::set<std::string>(ids.begin(), ids.end()) == listed);
    CHECK(ids.size() == 25'100);
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
    CHECK_FALSE(fs::exists(data_file(dir.path / "g.jsonl")));
}

TEST_CASE("virtuoso: --ids of 5,000 accessions take 3 SPARQL requests and no per-glycan one, archived and unknown ones are failures") {
    auto& v = catalog_virtuoso(10'000);
    std::set<std::string> listed;
    const auto archived = primary_ids(v.rdf_dir() / "archive.ttl");
    std::ranges::set_difference(primary_ids(v.rdf_dir() / "core.ttl"), archived, std::inserter(listed, listed.end()));
    REQUIRE(listed.size() > 5000);
    temp_dir dir;
    std::set<std::string> wanted;
    {
        std::ofstream ids(dir.path / "ids.txt");
        for (const auto& id : listed) {
            if (wanted.size() == 5000) break;
            wanted.insert(id);
            ids << id << '\n';
        }
        ids << *archived.begin() << "\nG00000AA\n"; // archived; in no graph at all
    }
    REQUIRE_FALSE(listed.contains("G00000AA"));
    running_server server;
    const auto out = dir.path / "g.jsonl";
    auto r = run_process(harvest_args(server.port(), out, {"--sparql-url", v.endpoint(), "--ids", (dir.path / "ids.txt").string(), "--no-enrich",
                                                            "--summary", (dir.path / "summary.json").string(), "--progress", "never"}),
                         110s);
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    const auto ids = check_jsonl(read_text(data_file(out)));
    CHECK(std::set<std::string>(ids.begin(), ids.end()) == wanted);
    const auto failures = read_text(failures_of(out));
    CHECK(lines_of(failures).size() == 2);
    CHECK_MESSAGE(failures.find("\"id\":\"" + *archived.begin() + "\"") != std::string::npos, failures);
    CHECK_MESSAGE(failures.find("archived in GlyTouCan") != std::string::npos, failures);
    CHECK_MESSAGE(failures.find("\"id\":\"G00000AA\"") != std::string::npos, failures);
    CHECK_MESSAGE(failures.find("not found: not in GlyTouCan's SPARQL") != std::string::npos, failures);
    // Blocks of 2,000, 2,000 and 1,002 accessions; GlyCosmos only for the one SPARQL does not know.
    simdjson::dom::parser parser;
    auto summary = parser.parse(read_text(dir.path / "summary.json"));
    CHECK(std::uint64_t(summary["requests"]) == 4);
    const auto log = server_log(server.port());
    REQUIRE(log.size() == 1);
    CHECK(log[0].target == "/sparqlist/gtcid2seqs?gtcid=G00000AA");
}

TEST_CASE("virtuoso: a lookup cut at the row cap is asked again in halves, and every accession is still served from SPARQL") {
    auto& shared = catalog_virtuoso(1000);
    ::setenv("VIRTUOSO_SET", "SPARQL:ResultSetMaxRows=1000", 1); // this test's own instance: 1,100 accessions' rows exceed it
    virtuoso v(shared.rdf_dir());
    ::unsetenv("VIRTUOSO_SET");
    std::set<std::string> listed;
    std::ranges::set_difference(primary_ids(v.rdf_dir() / "core.ttl"), primary_ids(v.rdf_dir() / "archive.ttl"), std::inserter(listed, listed.end()));
    temp_dir dir;
    {
        std::ofstream ids(dir.path / "ids.txt");
        for (const auto& id : listed) ids << id << '\n';
    }
    running_server server;
    const auto out = dir.path / "g.jsonl";
    auto r = run_process(harvest_args(server.port(), out, {"--sparql-url", v.endpoint(), "--ids", (dir.path / "ids.txt").string(), "--no-enrich",
                                                            "--progress", "never"}),
                         110s);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK_MESSAGE(r.err.find("SPARQL lookup of 1100 accessions refused or cut (at the row cap): asking in halves") != std::string::npos, r.err);
    const auto ids = check_jsonl(read_text(data_file(out)));
    CHECK(std::set<std::string>(ids.begin(), ids.end()) == listed);
    CHECK(server_log(server.port()).empty()); // nothing fell back to GlyCosmos
}

TEST_CASE("virtuoso: a glycan with neither a sequence nor an annotation is a 'no content' failure, never a line, and no count toward --target") {
    temp_dir rdf;
    const std::string glycan = "<http://rdf.glycoinfo.org/glycan/";
    std::ofstream(rdf.path / "core.ttl") << glycan << "G00001AA> <http://www.glytoucan.org/glyco/owl/glytoucan#has_primary_id> \"G00001AA\" .\n"
                                         << glycan << "G00002AA> <http://www.glytoucan.org/glyco/owl/glytoucan#has_primary_id> \"G00002AA\" .\n"
                                         << glycan << "G00003AA> <http://www.glytoucan.org/glyco/owl/glytoucan#has_primary_id> \"G00003AA\" .\n";
    std::ofstream(rdf.path / "wurcs.ttl") << glycan << "G00001AA> <http://purl.jp/bio/12/glyco/glycan#has_glycosequence> " << glycan << "G00001AA/wurcs/2.0> .\n"
                                          << glycan << "G00001AA/wurcs/2.0> <http://purl.jp/bio/12/glyco/glycan#has_sequence> \"WURCS=2.0/1,1,0/[a2122h-1b_1-5]/1/\" .\n";
    std::ofstream(rdf.path / "mass.ttl") << glycan << "G00003AA> <http://www.glytoucan.org/glyco/owl/glytoucan#has_derivatized_mass> <http://rdf.glycoinfo.org/derivatization_type_node/180.06> .\n"
                                            "<http://rdf.glycoinfo.org/derivatization_type_node/180.06> <http://www.glytoucan.org/glyco/owl/glytoucan#has_derivatization_type> "
                                            "<http://www.glytoucan.org/glyco/owl/glytoucan#derivatization_type_none> ; <http://www.glytoucan.org/glyco/owl/glytoucan#has_mass> 180.06 .\n";
    std::ofstream(rdf.path / "graphs.tsv") << "core.ttl\thttp://rdf.glytoucan.org/core\nwurcs.ttl\thttp://rdf.glytoucan.org/sequence/wurcs\n"
                                              "mass.ttl\thttp://rdf.glytoucan.org/mass\n";
    virtuoso v(rdf.path);
    running_server server;
    temp_dir dir;
    auto r = run_process(harvest_args(server.port(), dir.path / "g.jsonl", {"--sparql-url", v.endpoint(), "--no-enrich", "--target", "2", "--progress", "never"}),
                         60s);
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    CHECK(check_jsonl(read_text(data_file(dir.path / "g.jsonl"))) == std::vector<std::string>{"G00001AA", "G00003AA"}); // a mass is content
    const auto failures = lines_of(read_text(failures_of(dir.path / "g.jsonl")));
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].find("\"id\":\"G00002AA\"") != std::string::npos);
    CHECK(failures[0].find("no content: no sequence, mass or annotation in GlyTouCan's SPARQL (GlyGen not asked: --no-enrich)") != std::string::npos);
    simdjson::dom::parser parser;
    auto manifest = parser.parse(read_text(manifest_of(dir.path / "g.jsonl")));
    CHECK(std::string_view(manifest["finish_reason"]) == "target_reached");
    CHECK(server_log(server.port()).empty());
}
