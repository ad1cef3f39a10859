// The PyPI parsers against the real recorded bodies; expected values are read off the bodies.
#include <harvest/sources/pypi/pypi_parsers.hpp>

#include "support/fixture_files.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using harvest::test::fixture_text;
using harvest::test::read_text;
using namespace harvest::sources;

namespace {


pypi_record parse(const std::string& relative, bool with_description = false) {
    simdjson::ondemand::parser parser;
    auto body = fixture_text(relative);
    pypi_record r;
    const auto error = parse_pypi_project(parser, body, with_description, r);
    REQUIRE_MESSAGE(error.empty(), relative << ": " << error);
    return r;
}

} // namespace

TEST_CASE("celery: 42 requirements with extras markers, 150 releases in upload order, serial from the body") {
    const auto r = parse("pypi/celery.json");
    CHECK(r.name == "celery");
    CHECK(r.version == "4.4.0");
    CHECK(r.requires_dist.size() == 42);
    CHECK(r.license == "BSD");
    CHECK(r.release_count == 150);
    REQUIRE(r.versions.size() == 150);
    CHECK(r.versions[0] == "0.1.2");
    CHECK(r.versions[1] == "0.1.4");
    CHECK(r.versions.back() == "4.4.0");
    CHECK(r.latest_upload == "2019-12-16T03:47:52.661342Z");
    CHECK(r.last_serial == 6308640u);
    CHECK(r.classifiers.size() == 15);
    REQUIRE(r.project_urls.size() == 1);
    CHECK(r.project_urls[0] == std::pair<std::string, std::string>{"Homepage", "http://celeryproject.org"});
    CHECK_FALSE(r.vulnerability_count); // this old body has no vulnerabilities key
    CHECK_FALSE(r.description);
}

TEST_CASE("CAGE: the pypi.python.org-era shape, with no last_serial and empty releases") {
    const auto r = parse("pypi/CAGE.json");
    CHECK(r.name == "CAGE");
    CHECK(r.version == "1.1.4");
    CHECK(r.requires_dist.empty()); // null
    CHECK(r.license == "GPL");
    CHECK(r.release_count == 3);
    CHECK(r.versions == std::vector<std::string>{"1.1.3", "1.1.2", "1.1.4"}); // no files: listed order
    CHECK_FALSE(r.latest_upload);
    CHECK_FALSE(r.last_serial);
}

TEST_CASE("black 21.11b0: a yanked release with its reason, the serial falls back to the header") {
    simdjson::ondemand::parser parser;
    auto body = fixture_text("pypi/release/black/21.11b0.json");
    pypi_record r;
    r.last_serial = 12001998; // from X-PyPI-Last-Serial: the body's is 0 (zeroed by poetry)
    REQUIRE(parse_pypi_project(parser, body, false, r) == "");
    CHECK(r.yanked == true);
    CHECK(r.yanked_reason == "Broken regex dependency. Use 21.11b1 instead.");
    CHECK(r.requires_dist.size() == 16);
    CHECK(r.release_count == 0); // the release route has no releases: the index API fills these
    CHECK(r.versions_from.empty());
    CHECK_FALSE(r.latest_upload);
    CHECK(r.last_serial == 12001998u);
    CHECK(r.vulnerability_count == 0u);
}

TEST_CASE("luigi: modern shape with provides_extra, vulnerabilities and a null requires_dist") {
    const auto r = parse("pypi/luigi.json", true);
    CHECK(r.provides_extra == std::vector<std::string>{"jsonschema", "prometheus", "toml"});
    CHECK(r.requires_dist.empty());
    CHECK(r.yanked == false);
    CHECK(r.vulnerability_count == 0u);
    CHECK(r.license == "Apache License 2.0");
    CHECK(r.release_count == 84);
    CHECK(r.description.has_value()); // kept on request
}

TEST_CASE("every recorded project and release body parses") {
    for (const char* f : {"pypi/boolean.py.json", "pypi/distribute.json", "pypi/django-split-settings.json", "pypi/hbmqtt.json",
                          "pypi/pendulum.json", "pypi/poetry.json", "pypi/psycopg2.json", "pypi/pytest.json", "pypi/requests.json",
                          "pypi/six.json", "pypi/release/CAGE/1.1.4.json", "pypi/release/isodate/0.7.0.json",
                          "pypi/release/discord-py/2.0.0.json", "pypi/release/lxml/3.2.0.json", "pypi/release/boolean.py/2.0.dev3.json"}) {
        INFO(f);
        const auto r = parse(f);
        CHECK_FALSE(r.name.empty());
        CHECK_FALSE(r.version.empty());
    }
    CHECK(parse("pypi/distribute.json").latest_upload == "2016-01-19T00:08:08.054628Z"); // minified single line
    CHECK(parse("pypi/pendulum.json").author == "S\xC3\xA9" "bastien Eustace");
    CHECK(parse("pypi/release/discord-py/2.0.0.json").name == "discord.py");
}

TEST_CASE("PyPI JSON: wrong types and truncation fail naming the field, leaving the record untouched") {
    simdjson::ondemand::parser parser;
    pypi_record r;
    r.name = "untouched";
    std::string body = R"({"info": {"name": "x", "requires_dist": "requests"}})";
    CHECK(parse_pypi_project(parser, body, false, r) == "PyPI JSON: field 'info.requires_dist': expected an array of strings or null");
    CHECK(r.name == "untouched");
    body = R"({"info": {"name": "x", "summary": 5}})";
    CHECK(parse_pypi_project(parser, body, false, r) == "PyPI JSON: field 'info.summary': expected a string or null");
    body = R"({"info": {"name": "x"}, "last_serial": "7"})";
    CHECK(parse_pypi_project(parser, body, false, r) == "PyPI JSON: field 'last_serial': expected a non-negative integer");
    body = R"({"info": {"summary": "no name"}})";
    CHECK(parse_pypi_project(parser, body, false, r) == "PyPI JSON: field 'info.name': expected a project name");
    const auto full = fixture_text("pypi/celery.json");
    for (std::size_t cut : {5ul, 500ul, 50000ul, full.size() - 3}) {
        auto truncated = full.substr(0, cut);
        CHECK_FALSE(parse_pypi_project(parser, truncated, false, r).empty());
    }
    CHECK(r.name == "untouched");
}

TEST_CASE("PEP 691 index: entries with name and serial, the docs example's bare string is skipped") {
    simdjson::ondemand::parser parser;
    auto body = fixture_text("pypi/simple/_index.docs-example.json");
    std::vector<index_entry> entries;
    std::size_t skipped = 0;
    REQUIRE(parse_simple_index(parser, body, entries, skipped) == "");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == "0");
    CHECK(entries[0].last_serial == 3075854u);
    CHECK(entries[1].name == "0-._.-._.-._.-._.-._.-._.-0");
    CHECK(skipped == 1);
}

TEST_CASE("requirement names: the PEP 508 name part, markers and extras ignored") {
    CHECK(requirement_name("Django>=2.0") == "Django");
    CHECK(requirement_name("pytz>dev") == "pytz");
    CHECK(requirement_name("billiard (<4.0,>=3.6.1)") == "billiard");
    CHECK(requirement_name("pyro4 ; extra == 'pyro'") == "pyro4");
    CHECK(requirement_name("zope.interface[testing]>=5; python_version>'3.6'") == "zope.interface");
    CHECK(requirement_name("  requests") == "requests");
    CHECK_FALSE(requirement_name(">=1.0"));
    CHECK_FALSE(requirement_name(""));
}

namespace {
std::vector<index_entry> stream_entries(const std::string& body, std::size_t piece, std::size_t& skipped, std::string& error) {
    std::vector<index_entry> got;
    simple_index_stream stream([&](index_entry e) { got.push_back(std::move(e)); });
    for (std::size_t i = 0; i < body.size() && error.empty(); i += piece) error = stream.feed(std::string_view(body).substr(i, piece));
    if (error.empty()) error = stream.finish();
    skipped = stream.skipped();
    return got;
}
} // namespace

TEST_CASE("PEP 691 index as a stream: the same entries as the whole-body parser, in pieces of any size") {
    // A large index, with the awkward parts: escapes, brackets inside strings, nested meta,
    // keys in another order, a bare string entry and keys after the array.
    std::string body = R"({"meta": {"_last-serial": 99, "api-version": "1.1", "projects": ["not", "these"]}, "projects": [)";
    for (int i = 0; i < 2000; ++i) {
        if (i) body += ",\n  ";
        if (i % 500 == 7) body += R"("a bare string, with a ] and a \" in it",)";
        // Built by appends: g++ 12 warns falsely (-Warray-bounds) on chains of literal + string.
        if (i % 3) {
            body += R"({"name": "pkg-)";
            body += std::to_string(i);
            body += R"(", "_last-serial": )";
            body += std::to_string(1000 + i);
            body += "}";
        } else {
            body += R"({"_last-serial": )";
            body += std::to_string(1000 + i);
            body += R"(, "extra": {"x": [1, "]}"]}, "name": "p\u006bg-)";
            body += std::to_string(i);
            body += R"("})";
        }
    }
    body += R"(], "trailing": {"projects": [{"name": "ignored"}]}})";

    simdjson::ondemand::parser parser;
    std::vector<index_entry> whole;
    std::size_t whole_skipped = 0;
    auto copy = body;
    REQUIRE(parse_simple_index(parser, copy, whole, whole_skipped) == "");
    REQUIRE(whole.size() == 2000);
    for (std::size_t piece : {1ul, 7ul, 4096ul, body.size()}) {
        INFO("piece size " << piece);
        std::size_t skipped = 0;
        std::string error;
        const auto got = stream_entries(body, piece, skipped, error);
        CHECK(error == "");
        REQUIRE(got.size() == whole.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            CHECK(got[i].name == whole[i].name);
            CHECK(got[i].last_serial == whole[i].last_serial);
        }
        CHECK(skipped == whole_skipped);
    }
    CHECK(whole[0].name == "pkg-0"); // \u006b unescaped
}

TEST_CASE("PEP 691 index as a stream: the recorded example, and bodies that are not an index") {
    std::size_t skipped = 0;
    std::string error;
    auto got = stream_entries(fixture_text("pypi/simple/_index.docs-example.json"), 13, skipped, error);
    CHECK(error == "");
    CHECK(got.size() == 2);
    CHECK(skipped == 1);
    error.clear();
    stream_entries("<html><body>Simple index</body></html>", 5, skipped, error);
    CHECK(error == "PEP 691 index: field 'projects': expected a complete array");
    error.clear();
    stream_entries(R"({"projects": [{"name": "a"}, {"name": "b")", 3, skipped, error);
    CHECK(error == "PEP 691 index: field 'projects': expected a complete array");
}

TEST_CASE("PEP 691 project page: versions ordered by first upload as the JSON API orders releases, status, newest upload") {
    simdjson::ondemand::parser parser;
    pypi_record r;
    r.name = "Django_Split.Settings";
    std::string body = R"({"meta":{"api-version":"1.4"},"name":"django-split-settings","project-status":{"status":"archived"},
      "versions":["0.9","1.0","1.0.1","2.0"],
      "files":[{"filename":"django-split-settings-1.0.1.tar.gz","upload-time":"2020-03-01T00:00:00Z"},
               {"filename":"django_split_settings-1.0-py3-none-any.whl","upload-time":"2019-06-01T00:00:00Z"},
               {"filename":"django-split-settings-1.0.zip","upload-time":"2019-05-01T00:00:00Z"},
               {"filename":"django_split_settings-0.9-py2-none-any.whl","upload-time":"2021-01-01T00:00:00Z"},
               {"filename":"unrelated-2.0.tar.gz","upload-time":"2022-01-01T00:00:00Z"}]})";
    REQUIRE(parse_simple_project(parser, body, r) == "");
    // 1.0 first (its zip), then 1.0.1 (not taken for 1.0), 0.9 (uploaded late), 2.0 without files last.
    CHECK(r.versions == std::vector<std::string>{"1.0", "1.0.1", "0.9", "2.0"});
    CHECK(r.release_count == 4);
    CHECK(r.latest_upload == "2022-01-01T00:00:00Z"); // every file counts for the newest upload
    CHECK(r.project_status == "archived");
    CHECK(r.versions_from == "index_api");
}

TEST_CASE("PEP 691 project page: the recorded attrs page, and a page before PEP 700 (no versions) is an error naming the field") {
    simdjson::ondemand::parser parser;
    pypi_record r;
    r.name = "attrs";
    auto attrs = fixture_text("pypi/simple/attrs.json");
    REQUIRE(parse_simple_project(parser, attrs, r) == "");
    CHECK(r.versions == std::vector<std::string>{"17.4.0"});
    CHECK(r.latest_upload == "2017-12-30T08:20:08.575620Z");
    CHECK(r.project_status == "active");
    pypi_record old;
    old.name = "argset";
    auto argset = fixture_text("pypi/simple/argset.json");
    CHECK(parse_simple_project(parser, argset, old) == "PEP 691 project page: field 'versions': expected an array (PEP 700, api-version 1.1 or later)");
    CHECK(old.versions_from.empty()); // untouched
}
