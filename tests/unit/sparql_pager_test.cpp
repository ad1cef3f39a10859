// The GlyTouCan listing's paging policy without a server: the query it sends, what it makes of
// rows (several sequence nodes, a cut at the row cap, a server ignoring the keyset), and how
// refusals shrink the page.
#include <harvest/sources/glytoucan/sparql_pager.hpp>

#include <doctest/doctest.h>

using namespace harvest::sources;

namespace {

sparql_row row(std::string acc, std::optional<std::string> wurcs = std::nullopt) {
    sparql_row r;
    r.accession = std::move(acc);
    r.wurcs = std::move(wurcs);
    return r;
}

std::vector<std::string> ids(const std::vector<sparql_row>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.accession);
    return out;
}

} // namespace

TEST_CASE("sparql pager: the query reads core and WURCS, excludes the archive through FROM NAMED, pages by keyset without OFFSET") {
    sparql_pager p(5000);
    const auto first = p.query();
    CHECK(first.find("FROM <http://rdf.glytoucan.org/core>") != std::string::npos);
    CHECK(first.find("FROM <http://rdf.glytoucan.org/sequence/wurcs>") != std::string::npos);
    CHECK(first.find("FROM NAMED <http://rdf.glytoucan.org/archive>") != std::string::npos);
    CHECK(first.find("FILTER NOT EXISTS { GRAPH <http://rdf.glytoucan.org/archive>") != std::string::npos);
    CHECK(first.find("LIMIT 5000") != std::string::npos);
    CHECK(first.find("OFFSET") == std::string::npos);
    CHECK(first.find("?AccNum >") == std::string::npos); // the first page has no keyset
    std::vector<sparql_row> page;
    REQUIRE(p.on_rows({row("G00001AA"), row("G00002AA")}, page) == page_verdict::more);
    CHECK(p.query().find("FILTER (?AccNum > \"G00002AA\")") != std::string::npos);
}

TEST_CASE("sparql pager: an accession's several rows give one target with its first WURCS, non-WURCS values are dropped") {
    sparql_pager p(10);
    std::vector<sparql_row> page;
    REQUIRE(p.on_rows({row("G00002AA", "WURCS=2.0/b"), row("G00001AA"), row("G00001AA", "WURCS=2.0/a"), row("G00002AA", "WURCS=2.0/c"),
                       row("G00003AA", "RES 1b:b-dglc-HEX-1:5")},
                      page) == page_verdict::more);
    REQUIRE(ids(page) == std::vector<std::string>{"G00001AA", "G00002AA", "G00003AA"});
    CHECK(page[0].wurcs == "WURCS=2.0/a");
    CHECK(page[1].wurcs == "WURCS=2.0/b");
    CHECK_FALSE(page[2].wurcs);
    CHECK(p.after() == "G00003AA");
}

TEST_CASE("sparql pager: the listing ends on an empty page only, so a short (silently cut) page never ends it") {
    sparql_pager p(100);
    std::vector<sparql_row> page;
    CHECK(p.on_rows({row("G00001AA")}, page) == page_verdict::more); // short: perhaps a cap, ask again
    CHECK(p.on_rows({}, page) == page_verdict::done);
    CHECK(p.pages() == 2);
    sparql_pager empty(100);
    CHECK(empty.on_rows({}, page) == page_verdict::no_accession);
}

TEST_CASE("sparql pager: a page of exactly the row cap leaves its last accession (perhaps cut) for the next page") {
    sparql_pager p(8000);
    std::vector<sparql_row> rows, page;
    for (int i = 0; i < 10'000; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "G%05dAA", i / 2); // two sequence rows each
        rows.push_back(row(id, "WURCS=2.0/x"));
    }
    REQUIRE(p.on_rows(rows, page) == page_verdict::more);
    CHECK(page.size() == 4999);
    CHECK(p.after() == "G04998AA");
    // The same with a cap the server announced (X-SPARQL-MaxRows), not a known one.
    sparql_pager q(100);
    REQUIRE(q.on_rows({row("G00001AA"), row("G00002AA"), row("G00002AA")}, page, 3) == page_verdict::more);
    CHECK(ids(page) == std::vector<std::string>{"G00001AA"});
}

TEST_CASE("sparql pager: rows a server sends despite the keyset are not listed twice") {
    sparql_pager p(2);
    std::vector<sparql_row> page;
    REQUIRE(p.on_rows({row("G00001AA"), row("G00002AA")}, page) == page_verdict::more);
    REQUIRE(p.on_rows({row("G00001AA"), row("G00002AA"), row("G00003AA")}, page) == page_verdict::more);
    CHECK(ids(page) == std::vector<std::string>{"G00003AA"});
    CHECK(p.on_rows({row("G00002AA")}, page) == page_verdict::done);
}

TEST_CASE("sparql pager: refusals halve the page down to one accession, then give up") {
    sparql_pager p(5);
    CHECK(p.on_refusal(sparql_refusal::sort_limit) == page_verdict::retry_smaller);
    CHECK(p.page_size() == 2);
    CHECK(p.query().find("LIMIT 2") != std::string::npos);
    CHECK(p.on_refusal(sparql_refusal::timeout) == page_verdict::retry_smaller);
    CHECK(p.page_size() == 1);
    CHECK(p.on_refusal(sparql_refusal::truncated) == page_verdict::give_up);
}
