// The training-data converter on records parsed from the recorded real bodies, and the split
// assignment every output layout relies on.
#include "support/fixture_files.hpp"

#include <harvest/convert/converter.hpp>
#include <harvest/error.hpp>
#include <harvest/export/dataset_writer.hpp>
#include <harvest/sources/glytoucan/glycan_parsers.hpp>
#include <harvest/sources/pypi/pypi_parsers.hpp>

#include <doctest/doctest.h>

#include <simdjson.h>

#include <cmath>
#include <map>

using namespace harvest;
using convert::output_format;

namespace {

sources::pypi_record pytest_fields() {
    simdjson::ondemand::parser parser;
    auto body = test::fixture_text("pypi/pytest.json");
    sources::pypi_record r;
    REQUIRE(sources::parse_pypi_project(parser, body, false, r).empty());
    return r;
}

sources::glycan_record glycan_fields() {
    simdjson::ondemand::parser parser;
    auto body = test::fixture_text("glycan/glygen/glycan_detail/G17689DH.json");
    sources::glycan_record r;
    r.accession = "G17689DH";
    REQUIRE(sources::parse_glygen_detail(parser, body, r).empty());
    return r;
}

convert::training_record pytest_record() { return {"pytest", "pypi", "2026-12-01T00:00:00Z", sources::make_record(pytest_fields())}; }
convert::training_record glycan() { return {"G17689DH", "glytoucan", "2026-12-01T00:00:00Z", sources::make_record(glycan_fields())}; }

std::string line_of(const convert::training_record& item, output_format f) {
    std::string out;
    convert::convert_record(item, f, out);
    return out;
}

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& line) {
    simdjson::dom::element doc;
    REQUIRE(parser.parse(line).get(doc) == simdjson::SUCCESS);
    return doc;
}

// FNV-1a 64 written again from its definition, with the offset basis harvest has always used
// (1469598103934665603, a digit short of the published 14695981039346656037): the split of an
// id must never change between versions, or an incremental run would move records across splits.
std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

} // namespace

TEST_CASE("converter: raw is one JSON line with the identity, the fetch time, the schema version and the typed record") {
    const auto item = pytest_record();
    const auto line = line_of(item, output_format::raw);
    CHECK(line.ends_with("}\n"));
    CHECK(std::count(line.begin(), line.end(), '\n') == 1);
    simdjson::dom::parser parser;
    auto doc = parse(parser, line);
    CHECK(std::string_view(doc["id"]) == "pytest");
    CHECK(std::string_view(doc["source"]) == "pypi");
    CHECK(std::string_view(doc["fetched_at"]) == "2026-12-01T00:00:00Z");
    CHECK(std::int64_t(doc["schema_version"]) == convert::schema_version);
    const auto r = pytest_fields();
    CHECK(std::string_view(doc["record"]["name"]) == r.name);
    CHECK(std::string_view(doc["record"]["version"]) == r.version);
    CHECK(simdjson::dom::array(doc["record"]["versions"]).size() == r.versions.size());
    CHECK(std::uint64_t(doc["record"]["release_count"]) == r.release_count);
    CHECK(doc["record"]["description"].error() == simdjson::NO_SUCH_FIELD); // only with --with-description
}

TEST_CASE("converter: text renders only the fields the record has, in words") {
    const auto g = glycan();
    simdjson::dom::parser parser;
    const std::string text(std::string_view(parse(parser, line_of(g, output_format::text))["text"]));
    CHECK(text.starts_with("GlyTouCan accession G17689DH is a glycan"));
    const auto r = glycan_fields();
    if (r.mass) CHECK(text.find("Its monoisotopic mass is ") != std::string::npos);
    if (r.iupac) CHECK(text.find("Its IUPAC name is " + *r.iupac + ".") != std::string::npos);
    CHECK(text.find("WURCS") == (r.wurcs ? text.find("Its WURCS sequence is " + *r.wurcs + ".") + 4 : std::string::npos));
    CHECK(text.find("Its permethylated mass") == (r.mass_pme ? text.find("Its permethylated mass") : std::string::npos));
    sources::glycan_record bare;
    bare.accession = "G00012MO";
    CHECK(sources::render_text(bare) == "GlyTouCan accession G00012MO is a glycan.");
}

TEST_CASE("converter: chat alternates user and assistant turns, each answer from one field") {
    const auto item = pytest_record();
    simdjson::dom::parser parser;
    auto doc = parse(parser, line_of(item, output_format::chat));
    simdjson::dom::array messages = doc["messages"];
    const auto turns = item.record->chat();
    REQUIRE(messages.size() == 2 * turns.size());
    REQUIRE(!turns.empty());
    std::size_t i = 0;
    for (auto m : messages) {
        CHECK(std::string_view(m["role"]) == (i % 2 == 0 ? "user" : "assistant"));
        CHECK(std::string_view(m["content"]) == (i % 2 == 0 ? turns[i / 2].question : turns[i / 2].answer));
        ++i;
    }
    // pytest's summary names pytest: that question would hold its answer, so it is not asked.
    CHECK(turns[0].question == "What does the Python package pytest 3.5.0 depend on?");
}

namespace {

sources::pypi_record recorded_project(const std::string& name, bool with_description = false) {
    simdjson::ondemand::parser parser;
    auto body = test::fixture_text("pypi/" + name + ".json");
    sources::pypi_record r;
    REQUIRE(sources::parse_pypi_project(parser, body, with_description, r).empty());
    return r;
}

} // namespace

// Golden renderings of the recorded real bodies: a change to them is a change to every dataset.
TEST_CASE("converter: text of recorded PyPI projects, golden") {
    CHECK(sources::render_text(recorded_project("celery")) ==
          "The Python package celery (version 4.4.0) is described as: Distributed Task Queue. Its licence is BSD. It requires Python 2.7 or "
          "later, except 3.0, 3.1, 3.2, 3.3 and 3.4. It depends on pytz (later than dev), billiard (3.6.1 or later and earlier than 4.0), "
          "kombu (4.6.7 or later and earlier than 4.7) and vine (exactly 1.3.0); it has the optional extras arangodb, auth, azureblockblob, "
          "brotli, cassandra, consul, cosmosdbsql, couchbase, couchdb, django, dynamodb, elasticsearch, eventlet, gevent, librabbitmq, lzma, "
          "memcache, mongodb, msgpack, pymemcache, pyro, redis, riak, s3, slmq, solar, sqlalchemy, sqs, tblib, yaml, zookeeper and zstd.");
    CHECK(sources::render_text(recorded_project("pytest")) ==
          "The Python package pytest (version 3.5.0) is described as: pytest: simple powerful testing with Python. Its licence is MIT license. "
          "It requires Python 2.7 or later, except 3.0, 3.1, 3.2 and 3.3. It depends on py (1.5.0 or later), six (1.10.0 or later), "
          "setuptools, attrs (17.4.0 or later), more-itertools (4.0.0 or later) and pluggy (0.5 or later and earlier than 0.7); on some "
          "Python versions or platforms also on funcsigs and colorama.");
    CHECK(sources::render_text(recorded_project("psycopg2", true)) ==
          "The Python package psycopg2 (version 2.6.2) is described as: psycopg2 - Python-PostgreSQL Database Adapter. Its licence is LGPL "
          "with exceptions or ZPL. From its description: Psycopg is the most popular PostgreSQL database adapter for the Python programming "
          "language. Its main features are the complete implementation of the Python DB API 2.0 specification and the thread safety "
          "(several threads can share the same connection). It was designed for heavily multi-threaded applications that create and "
          "destroy lots of cursors and make a large number of concurrent \"INSERT\"s...");
}

TEST_CASE("converter: chat of recorded PyPI projects, golden: no raw markers, no question holding its answer, a description pair when asked") {
    const auto psycopg2 = sources::chat_turns(recorded_project("psycopg2", true));
    REQUIRE(psycopg2.size() == 2); // its summary names it: no "which package" question
    CHECK(psycopg2[0].question == "Under which licence is the Python package psycopg2 distributed?");
    CHECK(psycopg2[0].answer == "LGPL with exceptions or ZPL");
    CHECK(psycopg2[1].question == "What does the Python package psycopg2 do?");
    CHECK(psycopg2[1].answer.starts_with("Psycopg is the most popular PostgreSQL database adapter"));
    CHECK(sources::chat_turns(recorded_project("psycopg2")).size() == 1); // no description without --with-description

    const auto celery = sources::chat_turns(recorded_project("celery"));
    REQUIRE(celery.size() == 4);
    CHECK(celery[0].question == "Which Python package is described as: Distributed Task Queue.");
    CHECK(celery[0].answer == "celery");
    CHECK(celery[1].answer.starts_with("It depends on pytz (later than dev), billiard (3.6.1 or later and earlier than 4.0)"));
    CHECK(celery[3].answer == "Python 2.7 or later, except 3.0, 3.1, 3.2, 3.3 and 3.4");
    for (const auto& t : celery) CHECK(t.answer.find("extra ==") == std::string::npos);
}

TEST_CASE("converter: invalid UTF-8 from a server becomes U+FFFD, so every line parses") {
    sources::glycan_record r;
    r.accession = "G00001AA";
    r.iupac = std::string("Gal\xff\xfe(b1-4)GlcNAc");
    const auto line = line_of({"G00001AA", "glytoucan", "t", sources::make_record(r)}, output_format::raw);
    simdjson::dom::parser parser;
    const std::string iupac(std::string_view(parse(parser, line)["record"]["iupac"]));
    CHECK(iupac == "Gal\xef\xbf\xbd\xef\xbf\xbd(b1-4)GlcNAc");
}

TEST_CASE("splits: parsed with clear errors, assigned by FNV-1a of the id, close to the fractions") {
    const auto splits = exporting::parse_splits("train=0.9,val=0.05,test=0.05");
    REQUIRE(splits.size() == 3);
    CHECK(splits[1].name == "val");
    CHECK_THROWS_WITH_AS(exporting::parse_splits("train=0.9,val=0.2"), doctest::Contains("train=0.9,val=0.2: fractions sum to"), failure);
    CHECK_THROWS_WITH_AS(exporting::parse_splits("train"), doctest::Contains("train: 'train' has no '='"), failure);
    CHECK_THROWS_AS(exporting::parse_splits("Train=1"), failure);
    CHECK_THROWS_AS(exporting::parse_splits("a=0,b=1"), failure);
    try {
        exporting::parse_splits("a=0.5");
    } catch (const failure& e) {
        CHECK(e.details().setting == "split"); // the command line shows it as --split
        CHECK(e.details().code == errc::invalid_input);
    }

    std::map<std::string, int> counts;
    for (int i = 0; i < 20'000; ++i) {
        char id_text[16];
        std::snprintf(id_text, sizeof id_text, "G%05dAB", 10'000 + i);
        const std::string id = id_text;
        const auto& split = exporting::assign_split(id, splits);
        ++counts[split];
        // The documented rule, computed independently: the hash as a fraction of 2^64.
        const double u = static_cast<double>(fnv1a(id) >> 11) / static_cast<double>(1ull << 53);
        const std::string expected = u < 0.9 ? "train" : u < 0.95 ? "val" : "test";
        REQUIRE(split == expected);
    }
    CHECK(std::abs(counts["train"] / 20'000.0 - 0.9) < 0.01);
    CHECK(std::abs(counts["val"] / 20'000.0 - 0.05) < 0.01);
    CHECK(std::abs(counts["test"] / 20'000.0 - 0.05) < 0.01);
    CHECK(&exporting::assign_split("G17689DH", splits) == &exporting::assign_split("G17689DH", splits));
}
