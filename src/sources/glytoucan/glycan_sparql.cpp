#include <harvest/sources/glytoucan/glycan_sparql.hpp>

#include <algorithm>
#include <array>

namespace harvest::sources {

namespace {

// Row caps real servers apply silently: Virtuoso's shipped ResultSetMaxRows (10,000), the values
// GlyTouCan's notes and public tools report, and Virtuoso's hard 2^20 per response.
constexpr std::array<std::size_t, 5> known_caps{10'000, 20'000, 100'000, 1'000'000, 1'048'576};

std::string iri(const std::string& s) { return "<" + s + ">"; }

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string head(const glytoucan_graphs& g, std::string_view extra_vars) {
    return "PREFIX glycan: <http://purl.jp/bio/12/glyco/glycan#>\n"
           "PREFIX glytoucan: <http://www.glytoucan.org/glyco/owl/glytoucan#>\n"
           "SELECT ?AccNum" + std::string(extra_vars) + " ?wurcs ?glycoct ?iupac ?mass\n"
           "FROM " + iri(g.core) + "\nFROM " + iri(g.wurcs) + "\nFROM " + iri(g.glycoct) + "\nFROM " + iri(g.mass) + "\nFROM " + iri(g.iupac) +
           "\n"
           // SPARQL 1.1 §13.2: with FROM and no FROM NAMED the dataset has no named graphs, and
           // GRAPH <archive> would match nothing.
           "FROM NAMED " + iri(g.archive) + "\n"
           "WHERE {\n";
}

// Each accession's sequences and mass, joined to ?saccharide.
constexpr std::string_view annotations =
    "  OPTIONAL { ?saccharide glycan:has_glycosequence ?ws . ?ws glycan:has_sequence ?wurcs . FILTER (STRSTARTS(STR(?wurcs), \"WURCS\")) }\n"
    "  OPTIONAL { ?saccharide glycan:has_glycosequence ?gs . ?gs glycan:has_sequence ?glycoct . FILTER (STRSTARTS(STR(?glycoct), \"RES\")) }\n"
    "  OPTIONAL { ?saccharide glycan:has_glycosequence ?is . ?is glycan:in_carbohydrate_format glycan:carbohydrate_format_iupac_condensed ;"
    " glycan:has_sequence ?iupac . }\n"
    "  OPTIONAL { ?saccharide glytoucan:has_derivatized_mass ?dm . ?dm glytoucan:has_derivatization_type glytoucan:derivatization_type_none ;"
    " glytoucan:has_mass ?mass . }\n"
    "}\n";

} // namespace

std::string listing_query(const glytoucan_graphs& g, const std::string& after, std::size_t limit) {
    // The page is a sub-select over distinct accessions, so an accession's several rows never
    // straddle a page; the outer ORDER BY keeps a cut result in order.
    std::string q = head(g, "") +
                    "  { SELECT DISTINCT ?saccharide ?AccNum WHERE {\n"
                    "      ?saccharide glytoucan:has_primary_id ?id .\n"
                    "      BIND (STR(?id) AS ?AccNum)\n";
    if (!after.empty()) q += "      FILTER (?AccNum > " + quoted(after) + ")\n";
    q += "      FILTER NOT EXISTS { GRAPH " + iri(g.archive) + " { ?saccharide ?p ?o } }\n"
         "    } ORDER BY ?AccNum LIMIT " + std::to_string(std::max<std::size_t>(1, limit)) + " }\n";
    q += annotations;
    return q + "ORDER BY ?AccNum\n";
}

std::string lookup_query(const glytoucan_graphs& g, std::span<const std::string> accessions) {
    // By saccharide IRI, not by literal: has_primary_id is a plain literal on some subjects and
    // ^^xsd:string on others, and an IRI is a direct index hit.
    std::string q = head(g, " ?archived") + "  VALUES ?saccharide {";
    for (const auto& a : accessions) q += " <http://rdf.glycoinfo.org/glycan/" + a + ">";
    q += " }\n"
         "  ?saccharide glytoucan:has_primary_id ?id .\n"
         "  BIND (STR(?id) AS ?AccNum)\n"
         "  BIND (EXISTS { GRAPH " + iri(g.archive) + " { ?saccharide ?p ?o } } AS ?archived)\n";
    return q + std::string(annotations);
}

std::vector<sparql_row> merge_rows(std::vector<sparql_row> rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.accession < b.accession; });
    std::vector<sparql_row> merged;
    auto first = [](auto& into, auto& from) {
        if (!into && from) into = std::move(from);
    };
    for (auto& r : rows) {
        if (r.wurcs && !r.wurcs->starts_with("WURCS")) r.wurcs.reset();
        if (r.glycoct && !r.glycoct->starts_with("RES")) r.glycoct.reset();
        if (merged.empty() || merged.back().accession != r.accession) {
            merged.push_back(std::move(r));
            continue;
        }
        auto& m = merged.back();
        m.archived = m.archived || r.archived;
        first(m.wurcs, r.wurcs);
        first(m.glycoct, r.glycoct);
        first(m.iupac_condensed, r.iupac_condensed);
        first(m.mass, r.mass);
    }
    return merged;
}

bool at_row_cap(std::size_t rows, std::optional<std::size_t> announced_cap) noexcept {
    return rows == announced_cap || std::ranges::find(known_caps, rows) != known_caps.end();
}

std::optional<sparql_refusal> refusal_in(unsigned status, std::string_view body, std::string_view sql_state_header) {
    if (status == 206 || (status == 200 && !sql_state_header.empty())) return sparql_refusal::truncated;
    if (status != 500) return std::nullopt;
    if (body.find("SR353") != std::string_view::npos) return sparql_refusal::sort_limit;
    if (body.find("S1TAT") != std::string_view::npos || body.find("ANYTIME") != std::string_view::npos ||
        body.find("timeout") != std::string_view::npos)
        return sparql_refusal::timeout;
    return std::nullopt;
}

std::string_view describe(sparql_refusal why) noexcept {
    switch (why) {
    case sparql_refusal::sort_limit: return "sort limit, SR353";
    case sparql_refusal::timeout: return "timeout";
    case sparql_refusal::truncated: return "truncated result";
    }
    return "refused";
}

} // namespace harvest::sources
