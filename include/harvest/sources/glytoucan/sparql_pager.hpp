#pragma once
// How harvest pages through GlyTouCan's accessions on a SPARQL engine, as pure code: the query
// for the next page and what each answer means. Keyset paging (accessions after the last one
// seen, in order, LIMIT n) instead of OFFSET, so Virtuoso's MaxSortedTopRows (which counts
// LIMIT + OFFSET) never bites; the listing ends only on an empty page, so a server that cuts
// results silently (ResultSetMaxRows) cannot end it early. A refused or flagged page (SR353, a
// timeout, HTTP 206 / X-SQL-State) is asked again at half the size.
#include <harvest/sources/glytoucan/glycan_sparql.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace harvest::sources {

enum class page_verdict {
    more,          // the page's accessions are listed; ask for the next page
    done,          // an empty page: the enumeration is complete
    retry_smaller, // ask for the same page again, at the new (halved) page size
    no_accession,  // the first page was empty: the endpoint or its graphs hold no accession
    give_up,       // refused even at one accession per page
};

class sparql_pager {
public:
    explicit sparql_pager(std::size_t page_size, glytoucan_graphs graphs = {});

    // The SPARQL query for the next page.
    std::string query() const;
    // A complete answer: `accepted` gets the page's accessions, each once with its values
    // merged (merge_rows); when the row count is at a server's row cap (at_row_cap), the last
    // accession (whose rows may have been cut) is left for the next page.
    page_verdict on_rows(std::vector<sparql_row> rows, std::vector<sparql_row>& accepted, std::optional<std::size_t> row_cap = std::nullopt);
    page_verdict on_refusal(sparql_refusal why);

    std::size_t page_size() const noexcept { return page_size_; }
    const std::string& after() const noexcept { return after_; }
    std::size_t pages() const noexcept { return pages_; }
    const glytoucan_graphs& graphs() const noexcept { return graphs_; }

private:
    std::size_t page_size_;
    glytoucan_graphs graphs_;
    std::string after_; // keyset: the last accession listed
    bool listed_any_ = false;
    std::size_t pages_ = 0;
};

} // namespace harvest::sources
