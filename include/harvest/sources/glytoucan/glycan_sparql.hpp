#pragma once
// The SPARQL harvest sends for glycans, as pure code. One query shape returns each accession's
// sequences (WURCS, GlycoCT, IUPAC condensed) and mass, so records need no per-glycan request:
// for a page of the listing (keyset: accessions after the last one seen, in order) or for a block
// of given accessions (VALUES, for --ids). Sequence nodes are told apart by their value's prefix
// (PyGly's rule), since the 2020 doc's second WURCS node carries no format triple.
#include <harvest/sources/glytoucan/glycan_parsers.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::sources {

// The graphs the queries read, as on ts.glytoucan.org (and GlyCosmos's sequence graph, where
// IUPAC condensed lives; absent on ts.glytoucan.org, which an engine treats as empty).
struct glytoucan_graphs {
    std::string core = "http://rdf.glytoucan.org/core";
    std::string wurcs = "http://rdf.glytoucan.org/sequence/wurcs";
    std::string glycoct = "http://rdf.glytoucan.org/sequence/glycoct";
    std::string mass = "http://rdf.glytoucan.org/mass";
    std::string iupac = "http://rdf.glycosmos.org/glycans/glycosequence";
    std::string archive = "http://rdf.glytoucan.org/archive";
};

// Accessions per VALUES block: under Virtuoso's 4,095-item limit (SP030 "Too many arguments"),
// and their rows (a few per accession) under its shipped ResultSetMaxRows of 10,000.
inline constexpr std::size_t max_lookup_block = 2000;

// One page of non-archived accessions after `after` ("" for the first), `limit` of them.
std::string listing_query(const glytoucan_graphs& graphs, const std::string& after, std::size_t limit);
// The given accessions (valid ones: they become IRIs), archived ones flagged instead of dropped.
std::string lookup_query(const glytoucan_graphs& graphs, std::span<const std::string> accessions);

// Rows in accession order, one per accession: the first value of each field, sequences that are
// not of their format (a "wurcs" not starting WURCS, a "glycoct" not starting RES) dropped.
std::vector<sparql_row> merge_rows(std::vector<sparql_row> rows);

// True when a complete answer of `rows` rows may have been cut by a server's row cap: the cap it
// announced (Virtuoso's X-SPARQL-MaxRows), or one real servers apply silently.
bool at_row_cap(std::size_t rows, std::optional<std::size_t> announced_cap) noexcept;

// Why a server refused or flagged a query.
enum class sparql_refusal {
    sort_limit, // Virtuoso SR353: the sorted TOP clause is over MaxSortedTopRows
    timeout,    // MaxQueryExecutionTime (S1TAT / ANYTIME in a 500), or the request timed out
    truncated,  // HTTP 206 or X-SQL-State: the rows are a partial result
};
// What a server's status, body and X-SQL-State header say about a refusal, if anything.
std::optional<sparql_refusal> refusal_in(unsigned status, std::string_view body, std::string_view sql_state_header);
std::string_view describe(sparql_refusal why) noexcept;

} // namespace harvest::sources
