#include <harvest/sources/glytoucan/sparql_pager.hpp>

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

} // namespace

sparql_pager::sparql_pager(std::size_t page_size, glytoucan_graphs graphs)
    : page_size_(std::max<std::size_t>(1, page_size)), graphs_(std::move(graphs)) {}

std::string sparql_pager::query() const {
    // The accessions page is a sub-select over distinct accessions, so an accession's several
    // sequence nodes never straddle a page; the outer ORDER BY keeps a cut result in order.
    std::string q = "PREFIX glycan: <http://purl.jp/bio/12/glyco/glycan#>\n"
                    "PREFIX glytoucan: <http://www.glytoucan.org/glyco/owl/glytoucan#>\n"
                    "SELECT ?AccNum ?wurcs\n"
                    "FROM " + iri(graphs_.core) + "\n"
                    "FROM " + iri(graphs_.wurcs) + "\n"
                    "FROM NAMED " + iri(graphs_.archive) + "\n"
                    "WHERE {\n"
                    "  { SELECT DISTINCT ?saccharide ?AccNum WHERE {\n"
                    "      ?saccharide glytoucan:has_primary_id ?id .\n"
                    "      BIND (STR(?id) AS ?AccNum)\n";
    if (!after_.empty()) q += "      FILTER (?AccNum > " + quoted(after_) + ")\n";
    q += "      FILTER NOT EXISTS { GRAPH " + iri(graphs_.archive) + " { ?saccharide ?p ?o } }\n"
         "    } ORDER BY ?AccNum LIMIT " + std::to_string(page_size_) + " }\n"
         "  OPTIONAL { ?saccharide glycan:has_glycosequence ?gseq . ?gseq glycan:has_sequence ?wurcs . }\n"
         "}\n"
         "ORDER BY ?AccNum\n";
    return q;
}

page_verdict sparql_pager::on_rows(std::vector<sparql_row> rows, std::vector<sparql_row>& accepted, std::optional<std::size_t> row_cap) {
    ++pages_;
    // In accession order; the engine sorts, but a conformant one may order the OPTIONAL rows of
    // one accession either way, and the keyset needs the largest.
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.accession < b.accession; });
    const bool maybe_cut = rows.size() == row_cap || std::ranges::find(known_caps, rows.size()) != known_caps.end();
    std::vector<sparql_row> page;
    for (auto& r : rows) {
        if (!after_.empty() && r.accession <= after_) continue; // a server that ignored the keyset filter
        if (!page.empty() && page.back().accession == r.accession) {
            // A second sequence node: keep the first WURCS (PyGly's rule), unless it was none.
            if (!page.back().wurcs && r.wurcs) page.back().wurcs = std::move(r.wurcs);
            continue;
        }
        page.push_back(std::move(r));
    }
    if (maybe_cut && page.size() > 1) page.pop_back(); // its rows may continue past the cut
    if (page.empty()) {
        if (!listed_any_) return page_verdict::no_accession;
        return page_verdict::done;
    }
    for (auto& r : page)
        if (r.wurcs && !r.wurcs->starts_with("WURCS")) r.wurcs.reset();
    listed_any_ = true;
    after_ = page.back().accession;
    accepted = std::move(page);
    return page_verdict::more;
}

page_verdict sparql_pager::on_refusal(page_refusal) {
    if (page_size_ == 1) return page_verdict::give_up;
    page_size_ /= 2;
    return page_verdict::retry_smaller;
}

std::optional<page_refusal> sparql_pager::refusal_in(unsigned status, std::string_view body, std::string_view sql_state_header) {
    if (status == 206 || (status == 200 && !sql_state_header.empty())) return page_refusal::truncated;
    if (status != 500) return std::nullopt;
    if (body.find("SR353") != std::string_view::npos) return page_refusal::sort_limit;
    if (body.find("S1TAT") != std::string_view::npos || body.find("ANYTIME") != std::string_view::npos ||
        body.find("timeout") != std::string_view::npos)
        return page_refusal::timeout;
    return std::nullopt;
}

} // namespace harvest::sources
