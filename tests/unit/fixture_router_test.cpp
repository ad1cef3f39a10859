// The fixture server's routes, without sockets: each answer is checked against the recorded
// bodies on disk and the real services' documented shapes (../docs in SOURCES.md).
#include "fixture_router.hpp"
#include "support/test_server.hpp"

#include "support/fixture_files.hpp"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace harvest::fixture;
using harvest::test::fixture_text;
using harvest::test::real_catalog;
using harvest::test::synthesized_catalog;

namespace {


std::vector<std::string> lines(const std::string& relative) {
    std::istringstream in(fixture_text(relative));
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

fixture_response call(const fixture_catalog& c, std::string_view method, std::string_view target,
                      std::string_view accept = "", std::string_view if_none_match = "",
                      std::string_view content_type = "", std::string_view body = "") {
    return route_request(c, fixture_request{method, target, accept, if_none_match, content_type, body});
}

std::string header(const fixture_response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

std::string body_of(const fixture_response& r) { return r.body ? *r.body : std::string(); }

constexpr std::string_view pep691 = "application/vnd.pypi.simple.v1+json";

// Accessions the replayed GlyTouCan must list: the real records minus archived ones.
std::set<std::string> expected_glycan_accessions() {
    std::set<std::string> archived;
    for (const auto& l : lines("glycan/accessions/glytoucan_archived.txt")) archived.insert(l);
    std::set<std::string> out;
    simdjson::dom::parser parser;
    for (const auto& l : lines("glycan/glycans.jsonl")) {
        std::string_view ac;
        REQUIRE(parser.parse(l)["accession"].get(ac) == simdjson::SUCCESS);
        if (!archived.contains(std::string(ac))) out.insert(std::string(ac));
    }
    out.insert("G22768VO"); // the recorded GlyCosmos gtcid2seqs example
    return out;
}

} // namespace

TEST_CASE("PyPI project JSON: recorded body, serial, ETag and 304") {
    const auto& c = real_catalog();
    auto r = call(c, "GET", "/pypi/celery/json");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/json");
    CHECK(body_of(r) == fixture_text("pypi/celery.json"));
    CHECK(header(r, "X-PyPI-Last-Serial") == "6308640"); // the body's last_serial
    const auto etag = header(r, "ETag");
    CHECK(etag.size() > 2);
    CHECK(etag.front() == '"');

    auto again = call(c, "GET", "/pypi/celery/json", "", etag);
    CHECK(again.status == 304);
    CHECK(again.body == nullptr);
    CHECK(call(c, "GET", "/pypi/celery/json", "", "\"stale\"").status == 200);
    CHECK(call(c, "GET", "/pypi/celery/json/").status == 200); // warehouse routes the trailing slash too
}

TEST_CASE("PyPI: non-normalised names get 301 to the normalised path, unknown names 404") {
    const auto& c = real_catalog();
    auto r = call(c, "GET", "/pypi/CAGE/json");
    CHECK(r.status == 301);
    CHECK(header(r, "Location") == "/pypi/cage/json");
    CHECK(call(c, "GET", "/pypi/boolean.py/json").status == 301);
    CHECK(body_of(call(c, "GET", "/pypi/boolean-py/json")) == fixture_text("pypi/boolean.py.json"));

    auto missing = call(c, "GET", "/pypi/no-such-project-xyz/json");
    CHECK(missing.status == 404);
    CHECK(body_of(missing) == R"({"message": "Not Found"})");
    CHECK(call(c, "POST", "/pypi/celery/json").status == 405);
}

TEST_CASE("PyPI release JSON: recorded bodies, 301 and 404") {
    const auto& c = real_catalog();
    auto r = call(c, "GET", "/pypi/black/21.11b0/json");
    REQUIRE(r.status == 200);
    CHECK(body_of(r) == fixture_text("pypi/release/black/21.11b0.json"));
    CHECK(call(c, "GET", "/pypi/black/99.0/json").status == 404);
    auto moved = call(c, "GET", "/pypi/discord.py/2.0.0/json");
    CHECK(moved.status == 301);
    CHECK(header(moved, "Location") == "/pypi/discord-py/2.0.0/json");
    CHECK(body_of(call(c, "GET", "/pypi/lxml/3.2.0/json")).size() == 546668);
}

TEST_CASE("PEP 691 index: every recorded project with its serial, HTML without the JSON Accept") {
    const auto& c = real_catalog();
    auto r = call(c, "GET", "/simple/", pep691);
    REQUIRE(r.status == 200);
    CHECK(r.content_type == pep691);
    CHECK(header(r, "Vary") == "Accept");
    simdjson::dom::parser parser;
    auto doc = parser.parse(body_of(r));
    simdjson::dom::array projects;
    REQUIRE(doc["projects"].get(projects) == simdjson::SUCCESS);
    std::map<std::string, std::uint64_t> serials;
    for (auto p : projects) {
        std::string_view name;
        std::uint64_t serial = 0;
        REQUIRE(p["name"].get(name) == simdjson::SUCCESS);
        REQUIRE(p["_last-serial"].get(serial) == simdjson::SUCCESS);
        serials[std::string(name)] = serial;
    }
    CHECK(serials.size() == 13); // the recorded project bodies in data/fixtures/pypi/*.json
    CHECK(serials.at("celery") == 6308640);
    CHECK(serials.at("distribute") == 2525930);
    std::uint64_t index_serial = 0;
    REQUIRE(doc["meta"]["_last-serial"].get(index_serial) == simdjson::SUCCESS);
    std::uint64_t max_serial = 0;
    for (const auto& [name, serial] : serials) max_serial = std::max(max_serial, serial);
    CHECK(index_serial == max_serial);
    CHECK(header(r, "X-PyPI-Last-Serial") == std::to_string(max_serial));

    auto html = call(c, "GET", "/simple/", "text/html");
    CHECK(html.content_type.starts_with("text/html"));
    CHECK(body_of(html).find("<a href=\"/simple/celery/\">celery</a>") != std::string::npos);
    CHECK(call(c, "GET", "/simple").status == 301);
}

TEST_CASE("PEP 691 project pages: recorded where recorded, derived from the JSON API otherwise") {
    const auto& c = real_catalog();
    auto attrs = call(c, "GET", "/simple/attrs/", pep691);
    REQUIRE(attrs.status == 200);
    CHECK(body_of(attrs) == fixture_text("pypi/simple/attrs.json"));
    CHECK(header(call(c, "GET", "/simple/Attrs/", pep691), "Location") == "/simple/attrs/");
    CHECK(header(call(c, "GET", "/simple/attrs", pep691), "Location") == "/simple/attrs/");
    CHECK(call(c, "GET", "/simple/no-such-project-xyz/", pep691).status == 404);

    // celery's page lists exactly the files of its JSON API releases.
    simdjson::dom::parser parser;
    simdjson::dom::object releases;
    const auto celery = fixture_text("pypi/celery.json");
    REQUIRE(parser.parse(celery)["releases"].get(releases) == simdjson::SUCCESS);
    std::size_t files = 0, versions = 0;
    for (auto [version, list] : releases) {
        ++versions;
        files += simdjson::dom::array(list).size();
    }
    const auto page = body_of(call(c, "GET", "/simple/celery/", pep691));
    simdjson::dom::parser page_parser;
    auto doc = page_parser.parse(page);
    CHECK(simdjson::dom::array(doc["files"]).size() == files);
    CHECK(simdjson::dom::array(doc["versions"]).size() == versions);
    CHECK(versions == 150);
    std::string_view name;
    CHECK(doc["name"].get(name) == simdjson::SUCCESS);
    CHECK(name == "celery");
    CHECK(body_of(call(c, "GET", "/simple/celery/")).find("celery-4.4.0.tar.gz</a>") != std::string::npos);
}

TEST_CASE("GlyCosmos gtcid2seqs: recorded body as recorded, derived pairs, [] when unknown") {
    const auto& c = real_catalog();
    auto r = call(c, "GET", "/sparqlist/gtcid2seqs?gtcid=G22768VO");
    REQUIRE(r.status == 200);
    CHECK(body_of(r) == fixture_text("glycan/glycosmos/sparqlist/gtcid2seqs/G22768VO.docs-example.json"));
    auto post = call(c, "POST", "/sparqlist/gtcid2seqs", "", "", "application/x-www-form-urlencoded", "gtcid=G22768VO");
    CHECK(body_of(post) == body_of(r));

    simdjson::dom::parser parser;
    auto derived = parser.parse(body_of(call(c, "GET", "/sparqlist/gtcid2seqs?gtcid=G17689DH")));
    std::string_view id, wurcs;
    CHECK(derived.at(0)["id"].get(id) == simdjson::SUCCESS);
    CHECK(id == "G17689DH");
    CHECK(derived.at(0)["wurcs"].get(wurcs) == simdjson::SUCCESS);
    CHECK(wurcs.starts_with("WURCS=2.0/6,12,11/"));
    CHECK(body_of(call(c, "GET", "/sparqlist/gtcid2seqs?gtcid=G99999ZZ")) == "[]");
    CHECK(call(c, "GET", "/sparqlist/gtcid2seqs").status == 400);
}

TEST_CASE("GlyGen detail: recorded body, case-insensitive accession, 500 + error_list when unknown") {
    const auto& c = real_catalog();
    auto r = call(c, "GET", "/glycan/detail/G17689DH/");
    REQUIRE(r.status == 200);
    CHECK(body_of(r) == fixture_text("glycan/glygen/glycan_detail/G17689DH.json"));
    CHECK(body_of(call(c, "POST", "/glycan/detail/g17689dh")) == body_of(r));

    simdjson::dom::parser parser;
    auto unknown = call(c, "GET", "/glycan/detail/G99999ZZ/");
    CHECK(unknown.status == 500);
    std::string_view code;
    CHECK(parser.parse(body_of(unknown))["error_list"].at(0)["error_code"].get(code) == simdjson::SUCCESS);
    CHECK(code == "non-existent-record");

    auto invalid = call(c, "GET", "/glycan/detail/Q9CXB8/");
    CHECK(invalid.status == 500);
    std::string_view type;
    CHECK(parser.parse(body_of(invalid))["reason"]["type"].get(type) == simdjson::SUCCESS);
    CHECK(type == "invalid");
}

TEST_CASE("unknown paths are 404, control paths are not routed here") {
    const auto& c = real_catalog();
    CHECK(call(c, "GET", "/").status == 404);
    CHECK(call(c, "GET", "/pypi/").status == 404);
    CHECK(classify("/_fixture/stats") == route_kind::control);
    CHECK(classify("/pypi/x/json") == route_kind::pypi_project);
    CHECK(classify("/pypi/x/1.0/json/") == route_kind::pypi_release);
    CHECK(classify("/glycan/detail/G17689DH/") == route_kind::glygen);
}

TEST_CASE("synthesized PyPI projects: listed, deterministic, real shapes, 2 KB to 500 KB") {
    const auto& c = synthesized_catalog();
    simdjson::dom::parser index_parser;
    auto index = index_parser.parse(body_of(call(c, "GET", "/simple/", pep691)));
    const auto projects = simdjson::dom::array(index["projects"]);
    CHECK(projects.size() == 13 + 1000);

    std::size_t smallest = SIZE_MAX, largest = 0, checked = 0;
    simdjson::dom::parser parser;
    for (auto p : projects) {
        const std::string name{std::string_view(p["name"])};
        if (name.find("-synth-") == std::string::npos) continue;
        const auto target = "/pypi/" + name + "/json";
        auto r = call(c, "GET", target);
        REQUIRE_MESSAGE(r.status == 200, name);
        const auto text = body_of(r);
        if (checked % 100 == 0) CHECK(text == body_of(call(c, "GET", target))); // deterministic
        auto doc = parser.parse(text);
        REQUIRE_MESSAGE(doc.error() == simdjson::SUCCESS, name);
        std::string_view info_name;
        CHECK(doc["info"]["name"].get(info_name) == simdjson::SUCCESS);
        CHECK(info_name == name);
        CHECK(doc["releases"].error() == simdjson::SUCCESS);
        CHECK(header(r, "X-PyPI-Last-Serial") == std::to_string(std::uint64_t(p["_last-serial"])));
        smallest = std::min(smallest, text.size());
        largest = std::max(largest, text.size());
        ++checked;
    }
    CHECK(checked == 1000);
    CHECK(smallest >= 2 * 1024);
    CHECK(smallest < 16 * 1024);
    CHECK(largest > 300 * 1024);
    CHECK(largest <= 600 * 1024); // the largest real template (pendulum, 321 KB) plus padding
    CHECK(call(c, "GET", "/pypi/celery-synth-999999/json").status == 404);
}

TEST_CASE("synthesized glycans: enumerated after the real ones, every tenth missing from GlyGen") {
    const auto& c = synthesized_catalog();
    CHECK(c.glycan_accessions().size() == expected_glycan_accessions().size() + 1000);
    // The first synthesized accessions are real GlyTouCan accessions from the enumeration sample.
    const auto sample = lines("glycan/accessions/glytoucan_allacc.head1000.txt");
    std::size_t from_sample = 0, in_glygen = 0, synthetic = 0;
    for (const auto& ac : c.glycan_accessions()) {
        if (expected_glycan_accessions().contains(ac)) continue;
        ++synthetic;
        if (std::find(sample.begin(), sample.end(), ac) != sample.end()) ++from_sample;
        auto detail = call(c, "GET", "/glycan/detail/" + ac + "/");
        CHECK((detail.status == 200 || detail.status == 500));
        if (detail.status == 200) ++in_glygen;
        CHECK(body_of(call(c, "GET", "/sparqlist/gtcid2seqs?gtcid=" + ac)).find("WURCS=2.0/") != std::string::npos);
    }
    CHECK(synthetic == 1000);
    CHECK(from_sample > 800);
    CHECK(in_glygen == 900);
}
