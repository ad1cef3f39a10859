// The glycan SPARQL as pure code: what the listing and lookup queries ask for, how an
// accession's rows merge into one, which answers are refusals or cuts.
#include <harvest/sources/glytoucan/glycan_sparql.hpp>

#include <doctest/doctest.h>

using namespace harvest::sources;

namespace {

sparql_row row(std::string acc) {
    sparql_row r;
    r.accession = std::move(acc);
    return r;
}

} // namespace

TEST_CASE("glycan sparql: the listing and the lookup read every sequence graph and the mass, by IRI and VALUES for a lookup") {
    const glytoucan_graphs g;
    const auto listing = listing_query(g, "G00002AA", 100);
    for (const auto& graph : {g.core, g.wurcs, g.glycoct, g.mass, g.iupac}) CHECK(listing.find("FROM <" + graph + ">") != std::string::npos);
    CHECK(listing.find("FROM NAMED <" + g.archive + ">") != std::string::npos);
    CHECK(listing.find("FILTER (?AccNum > \"G00002AA\")") != std::string::npos);
    CHECK(listing.find("SELECT ?AccNum ?wurcs ?glycoct ?iupac ?mass") != std::string::npos);

    const std::vector<std::string> ids{"G00001AA", "G00002AA"};
    const auto lookup = lookup_query(g, ids);
    CHECK(lookup.find("VALUES ?saccharide { <http://rdf.glycoinfo.org/glycan/G00001AA> <http://rdf.glycoinfo.org/glycan/G00002AA> }") != std::string::npos);
    CHECK(lookup.find("SELECT ?AccNum ?archived ?wurcs") != std::string::npos);
    CHECK(lookup.find("BIND (EXISTS { GRAPH <" + g.archive + ">") != std::string::npos); // flagged, not dropped
    CHECK(lookup.find("LIMIT") == std::string::npos);
    CHECK(lookup.find("ORDER BY") == std::string::npos);
    CHECK(max_lookup_block < 4095); // Virtuoso's VALUES limit
}

TEST_CASE("glycan sparql: rows merge to one per accession in order, the first value of each field, misfiled sequences dropped") {
    auto a1 = row("G00002AA");
    a1.wurcs = "WURCS=2.0/first";
    auto a2 = row("G00001AA");
    a2.glycoct = "WURCS=2.0/in the GlycoCT variable"; // not GlycoCT: dropped
    a2.mass = 894.33;
    auto a3 = row("G00002AA");
    a3.wurcs = "WURCS=2.0/second";
    a3.glycoct = "RES 1b:b-dglc-HEX-1:5";
    a3.iupac_condensed = "Glc(b1-";
    a3.archived = true;
    auto a4 = row("G00001AA");
    a4.wurcs = "RES not WURCS"; // dropped
    const auto merged = merge_rows({a1, a2, a3, a4});
    REQUIRE(merged.size() == 2);
    CHECK(merged[0].accession == "G00001AA");
    CHECK_FALSE(merged[0].wurcs);
    CHECK_FALSE(merged[0].glycoct);
    CHECK(merged[0].mass == 894.33);
    CHECK(merged[1].wurcs == "WURCS=2.0/first");
    CHECK(merged[1].glycoct == "RES 1b:b-dglc-HEX-1:5");
    CHECK(merged[1].iupac_condensed == "Glc(b1-");
    CHECK(merged[1].archived);
}

TEST_CASE("glycan sparql: Virtuoso's refusals and cuts are recognised, other errors are not") {
    const std::string sr353 = "Virtuoso 22023 Error SR353: Sorted TOP clause specifies more then 15000 rows to sort. Only 10000 are allowed.";
    CHECK(refusal_in(500, sr353, {}) == sparql_refusal::sort_limit);
    CHECK(refusal_in(500, "Virtuoso S1TAT Error Query did not complete due to ANYTIME timeout.", {}) == sparql_refusal::timeout);
    CHECK(refusal_in(206, "{}", "S1TAT") == sparql_refusal::truncated);
    CHECK(refusal_in(200, "{}", "S1TAT") == sparql_refusal::truncated);
    CHECK_FALSE(refusal_in(200, "{}", {}));
    CHECK_FALSE(refusal_in(500, "Virtuoso 37000 Error SP030: SPARQL compiler", {}));
    CHECK_FALSE(refusal_in(503, "busy", {}));
    CHECK(at_row_cap(10'000, std::nullopt)); // the shipped ResultSetMaxRows
    CHECK(at_row_cap(500, 500));             // X-SPARQL-MaxRows
    CHECK_FALSE(at_row_cap(499, 500));
    CHECK_FALSE(at_row_cap(9'999, std::nullopt));
}
