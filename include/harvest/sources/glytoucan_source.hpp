#pragma once
// --source glytoucan: enumerates accessions through the GlyTouCan SPARQL endpoint (paged with
// LIMIT/OFFSET, archived accessions excluded) and builds one merged record per accession from
// GlyCosmos gtcid2seqs and, unless disabled, GlyGen glycan/detail, fetched concurrently.
#include <harvest/http/client.hpp>
#include <harvest/sources/glycan_parsers.hpp>
#include <harvest/sources/glycan_record.hpp>

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace harvest::sources {

struct glytoucan_options {
    std::string sparql_url = "https://ts.glytoucan.org/sparql";
    std::string glycosmos_url = "https://api.glycosmos.org";
    std::string glygen_url = "https://api.glygen.org";
    std::size_t page_size = 5000;
    bool enrich = true;

    // Points every service at one host (a mirror or the fixture server).
    void set_base_url(const std::string& base);
};

// Polite request rates for the real services, used when the user gives no --rate: none of
// them documents a limit, so a few requests per second per host.
std::map<std::string, http::rate_limit, std::less<>> glytoucan_default_rates();

// A target that could not be harvested, with what failures.jsonl records.
struct target_failure {
    std::string id;
    std::string url;
    unsigned last_status = 0;
    std::string reason;
    int attempts = 0;
};

using glycan_outcome = std::variant<glycan_record, target_failure>;

// True for a GlyTouCan accession: G, five digits, two upper-case letters.
bool is_glytoucan_accession(std::string_view id) noexcept;

class glytoucan_source {
public:
    glytoucan_source(http::client& client, glytoucan_options options);

    // One page of the enumeration; an empty page means the listing is exhausted.
    boost::asio::awaitable<std::string> list_page(std::size_t offset, std::vector<sparql_row>& out);

    // The merged record for one accession. `listing` is its row from the enumeration, if it
    // came from there: a listed accession exists even when no service has data for it; one
    // given with --ids that no service knows is a "not found" failure.
    boost::asio::awaitable<glycan_outcome> fetch(const std::string& accession, const std::optional<sparql_row>& listing);

    std::string sparql_query(std::size_t offset) const;
    const glytoucan_options& options() const noexcept { return options_; }

private:
    http::client& client_;
    glytoucan_options options_;
    simdjson::ondemand::parser list_parser_; // one parser per coroutine: the enumerator's
};

} // namespace harvest::sources
