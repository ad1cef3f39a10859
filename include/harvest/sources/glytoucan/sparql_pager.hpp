#pragma once
// How harvest pages through GlyTouCan's accessions on a SPARQL engine, as pure code: the query
// for the next page and what each answer means. Keyset paging (accessions after the last one
// seen, in order, LIMIT n) instead of OFFSET, so Virtuoso's MaxSortedTopRows (which counts
// LIMIT + OFFSET) never bites; the archive excluded through FROM NAMED, which SPARQL 1.1 §13.2
// requires for GRAPH to see it; and the listing ends only on an empty page, so a server that
// cuts results silently (ResultSetMaxRows) cannot end it early. A refused or flagged page (SR353,
// a timeout, HTTP 206 / X-SQL-State) is asked again at half the size.
#include <harvest/sources/glytoucan/glycan_parsers.hpp>

#include <cstddef>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace harvest::sources {

// The graphs the listing reads, as on ts.glytoucan.org.
struct glytoucan_graphs {
    std::string core = "http://rdf.glytoucan.org/core";
    std::string wurcs = "http://rdf.glytoucan.org/sequence/wurcs";
    std::string archive = "http://rdf.glytoucan.org/archive";
};

enum class page_verdict {
    more,          // the page's accessions are listed; ask for the next page
    done,          // an empty page: the enumeration is complete
    retry_smaller, // ask for the same page again, at the new (halved) page size
    no_accession,  // the first page was empty: the endpoint or its graphs hold no accession
    give_up,       // refused even at one accession per page
};

// Why a server refused or flagged a page.
enum class page_refusal {
    sort_limit, // Virtuoso SR353: the sorted TOP clause is over MaxSortedTopRows
    timeout,    // MaxQueryExecutionTime (S1TAT / ANYTIME in a 500), or the request timed out
    truncated,  // HTTP 206 or X-SQL-State: the rows are a partial result
};

class sparql_pager {
public:
    explicit sparql_pager(std::size_t page_size, glytoucan_graphs graphs = {});

    // The SPARQL query for the next page.
    std::string query() const;
    // A complete answer: its rows in accession order. `accepted` gets the page's accessions,
    // each once with its first WURCS; when the row count is the server's row cap (`row_cap`:
    // Virtuoso's X-SPARQL-MaxRows) or a known one, the last accession (whose rows may have
    // been cut) is left for the next page.
    page_verdict on_rows(std::vector<sparql_row> rows, std::vector<sparql_row>& accepted, std::optional<std::size_t> row_cap = std::nullopt);
    page_verdict on_refusal(page_refusal why);

    std::size_t page_size() const noexcept { return page_size_; }
    const std::string& after() const noexcept { return after_; }
    std::size_t pages() const noexcept { return pages_; }
    const glytoucan_graphs& graphs() const noexcept { return graphs_; }

    // What a server's 500 body or headers say about a refusal, if anything.
    static std::optional<page_refusal> refusal_in(unsigned status, std::string_view body, std::string_view sql_state_header);

private:
    std::size_t page_size_;
    glytoucan_graphs graphs_;
    std::string after_; // keyset: the last accession listed
    bool listed_any_ = false;
    std::size_t pages_ = 0;
};

} // namespace harvest::sources
