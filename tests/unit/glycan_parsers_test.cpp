// The glycan parsers against the real recorded bodies; expected values are read off the bodies.
#include <harvest/sources/glytoucan/glycan_parsers.hpp>

#include "support/fixture_files.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using harvest::test::fixture_text;
using harvest::test::read_text;
using namespace harvest::sources;

namespace {


} // namespace

TEST_CASE("GlyGen detail G17689DH: mass, composition, species, classification, motifs, crossrefs") {
    simdjson::ondemand::parser parser;
    auto body = fixture_text("glycan/glygen/glycan_detail/G17689DH.json");
    glycan_record r;
    r.accession = "G17689DH";
    REQUIRE(parse_glygen_detail(parser, body, r) == "");
    CHECK(r.enriched);
    CHECK(r.mass == 2368.84);
    CHECK(r.mass_pme == 2943.48);
    CHECK(r.iupac->starts_with("alpha-D-NeupAc-(2->3)-beta-D-Galp-(1->4)"));
    CHECK(r.wurcs->starts_with("WURCS=2.0/6,12,11/"));
    CHECK(r.glycoct->starts_with("RES 1b:b-dglc-HEX-1:5"));
    CHECK(r.inchi_key == "YWJPMIROECFZJW-YBQNOACISA-N");
    CHECK(r.inchi->starts_with("InChI=1S/C90H148N6O66/"));
    REQUIRE(r.composition.size() == 4);
    CHECK(r.composition[0].residue == "hexnac");
    CHECK(r.composition[0].count == 4);
    CHECK(r.composition[3].residue == "hex");
    CHECK(r.composition[3].count == 5);
    REQUIRE(r.species.size() == 3);
    CHECK(r.species[0].name == "Mus musculus");
    CHECK(r.species[0].taxid == 10090);
    REQUIRE(r.classification.size() == 1);
    CHECK(r.classification[0].type == "N-glycan");
    CHECK(r.classification[0].subtype == "complex");
    REQUIRE(r.motifs.size() == 4);
    CHECK(r.motifs[0].id == "G00055MO");
    CHECK(r.motifs[0].name == "Lactosamine motif");
    REQUIRE(r.crossrefs.size() == 18);
    CHECK(r.crossrefs[0].database == "PubChem Compound");
    CHECK(r.crossrefs[0].id == "CID25098607");
}

TEST_CASE("GlyGen detail: a wrong type fails naming the field and leaves the record untouched") {
    simdjson::ondemand::parser parser;
    glycan_record r;
    r.accession = "G00000XX";
    std::string body = R"({"mass": "heavy", "iupac": "x"})";
    CHECK(parse_glygen_detail(parser, body, r) == "GlyGen detail: field 'mass': expected a number");
    CHECK_FALSE(r.enriched);
    CHECK_FALSE(r.iupac);

    body = R"({"composition": [{"residue": "hex", "count": "five"}]})";
    CHECK(parse_glygen_detail(parser, body, r) == "GlyGen detail: field 'composition[].count': expected an integer");
    body = R"({"species": {"name": "Homo sapiens"}})";
    CHECK(parse_glygen_detail(parser, body, r) == "GlyGen detail: field 'species': expected an array");
    body = R"([1, 2])";
    CHECK(parse_glygen_detail(parser, body, r) == "GlyGen detail: expected a JSON object");
}

TEST_CASE("GlyGen detail: nulls are missing fields, not errors") {
    simdjson::ondemand::parser parser;
    glycan_record r;
    std::string body = R"({"mass": null, "iupac": null, "inchi_key": null, "species": null, "motifs": []})";
    CHECK(parse_glygen_detail(parser, body, r) == "");
    CHECK(r.enriched);
    CHECK_FALSE(r.mass);
    CHECK(r.species.empty());
}

TEST_CASE("GlyGen detail: truncated bodies fail, every cut of the real body") {
    simdjson::ondemand::parser parser;
    const auto full = fixture_text("glycan/glygen/glycan_detail/G17689DH.json");
    for (std::size_t cut : {1ul, 10ul, 1000ul, 70000ul, full.size() - 2}) {
        INFO("cut at " << cut);
        auto body = full.substr(0, cut);
        glycan_record r;
        CHECK_FALSE(parse_glygen_detail(parser, body, r).empty());
        CHECK_FALSE(r.enriched);
    }
}

TEST_CASE("GlyGen error body: the error_code is read from error_list") {
    simdjson::ondemand::parser parser;
    std::string body = R"({"error_list":[{"error_code":"non-existent-record"}],"reason":{"type":"invalid"}})";
    CHECK(glygen_error_code(parser, body) == "non-existent-record");
    auto spec = fixture_text("glycan/glygen/spec-examples/glycan_search.response-error.example.json");
    CHECK(glygen_error_code(parser, spec) == "unexpected-field-in-query");
    auto detail = fixture_text("glycan/glygen/glycan_detail/G17689DH.json");
    CHECK_FALSE(glygen_error_code(parser, detail));
}

TEST_CASE("GlyCosmos gtcid2seqs: the recorded body, and [] for unknown accessions") {
    simdjson::ondemand::parser parser;
    auto body = fixture_text("glycan/glycosmos/sparqlist/gtcid2seqs/G22768VO.docs-example.json");
    glycosmos_sequences s;
    REQUIRE(parse_gtcid2seqs(parser, body, s) == "");
    CHECK(s.wurcs == "WURCS=2.0/3,5,4/[a2122h-1b_1-5_2*NCC/3=O][a1122h-1b_1-5][a1122h-1a_1-5]/1-1-2-3-3/a4-b1_b4-c1_c3-d1_c6-e1");
    CHECK(s.glycoct->starts_with("RES\n1b:b-dglc-HEX-1:5\n"));
    std::string empty = "[]";
    glycosmos_sequences none;
    CHECK(parse_gtcid2seqs(parser, empty, none) == "");
    CHECK_FALSE(none.wurcs);
    std::string wrong = R"({"id":"G1"})";
    CHECK(parse_gtcid2seqs(parser, wrong, none) == "GlyCosmos gtcid2seqs: expected a JSON array");
}

TEST_CASE("SPARQL results: rows with and without the optional bindings, masses as numbers, EXISTS as 1/0 or true/false") {
    simdjson::ondemand::parser parser;
    std::string body = R"({"head":{"vars":["AccNum","archived","wurcs","glycoct","iupac","mass"]},"results":{"bindings":[
        {"AccNum":{"type":"literal","value":"G00001LE"},"archived":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"1"}},
        {"wurcs":{"type":"literal","value":"WURCS=2.0/1,1,0/[a2122h-1b_1-5]/1/"},"AccNum":{"type":"literal","value":"G00002MO"},
         "glycoct":{"type":"literal","value":"RES\n1b:b-dglc-HEX-1:5"},"iupac":{"type":"literal","value":"Glc(b1-"},
         "mass":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#decimal","value":"180.06"},
         "archived":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#boolean","value":"false"}}]}})";
    std::vector<sparql_row> rows;
    REQUIRE(parse_sparql_rows(parser, body, rows) == "");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].accession == "G00001LE");
    CHECK(rows[0].archived);
    CHECK_FALSE(rows[0].wurcs);
    CHECK_FALSE(rows[0].mass);
    CHECK(rows[1].accession == "G00002MO");
    CHECK_FALSE(rows[1].archived);
    CHECK(rows[1].wurcs == "WURCS=2.0/1,1,0/[a2122h-1b_1-5]/1/");
    CHECK(rows[1].glycoct == "RES\n1b:b-dglc-HEX-1:5");
    CHECK(rows[1].iupac_condensed == "Glc(b1-");
    CHECK(rows[1].mass == 180.06);

    std::string bad = R"({"results":{"bindings":[{"AccNum":{"value":7}}]}})";
    CHECK(parse_sparql_rows(parser, bad, rows) == "SPARQL results: field 'AccNum.value': expected a string");
    CHECK(rows.size() == 2); // untouched
    std::string bad_mass = R"({"results":{"bindings":[{"AccNum":{"value":"G00001LE"},"mass":{"value":"heavy"}}]}})";
    CHECK(parse_sparql_rows(parser, bad_mass, rows) == "SPARQL results: field 'mass.value': expected a decimal number");
    std::string missing = R"({"head":{}})";
    CHECK(parse_sparql_rows(parser, missing, rows) == "SPARQL results: field 'results.bindings': expected an array");
}
