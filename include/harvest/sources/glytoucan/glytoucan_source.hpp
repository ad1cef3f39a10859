#pragma once
// --source glytoucan: enumerates accessions through the GlyTouCan SPARQL endpoint (keyset pages,
// archived accessions excluded) with each one's sequences and mass in the same answer, looks up
// --ids accessions in VALUES blocks the same way, and completes each record with GlyGen
// glycan/detail unless disabled. GlyCosmos gtcid2seqs is asked only for an accession SPARQL does
// not know.
#include <harvest/http/client.hpp>
#include <harvest/logger.hpp>
#include <harvest/sources/glytoucan/glycan_parsers.hpp>
#include <harvest/sources/glytoucan/glycan_record.hpp>
#include <harvest/sources/glytoucan/sparql_pager.hpp>
#include <harvest/sources/source.hpp>

#include <boost/asio/awaitable.hpp>

#include <map>
#include <unordered_map>
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
// At most 2 SPARQL queries in flight per SPARQL host (GlyTouCan's and GlyCosmos's endpoints).
std::map<std::string, std::size_t, std::less<>> glytoucan_default_connections();

// True for a GlyTouCan accession: G, five digits, two upper-case letters.
bool is_glytoucan_accession(std::string_view id) noexcept;

class glytoucan_source final : public source {
public:
    glytoucan_source(http::client& client, glytoucan_options options, const logger& log = logger::silent());

    std::string_view name() const noexcept override { return "glytoucan"; }
    target parse_id(std::string_view line) const override;
    // One SPARQL page (sparql_pager: keyset paging, archive excluded, smaller pages when
    // refused) with its accessions' sequences and masses; done after an empty page. A first
    // page without any accession is an error.
    boost::asio::awaitable<std::optional<error>> list(std::vector<target>& out, bool& done) override;
    std::size_t lookup_block() const noexcept override { return max_lookup_block; }
    // One VALUES query per block (halved when refused or cut); what SPARQL does not answer is
    // fetched from GlyCosmos per accession.
    boost::asio::awaitable<void> look_up(std::vector<target> block) override;
    // The merged record: what SPARQL said (or GlyCosmos, for an accession SPARQL does not
    // know) and the GlyGen detail. A glycan with no sequence and no annotation is a "no
    // content" failure; an archived one and one that no service knows are failures too. When
    // GlyGen fails after its retries, a record with content is written unenriched and marked
    // incomplete, so a later --resume or --incremental asks GlyGen again.
    boost::asio::awaitable<outcome> fetch(const target& t) override;
    void write_selection(exporting::json_writer& w) const override;

private:
    struct sparql_answer; // one query's outcome
    boost::asio::awaitable<sparql_answer> query_sparql(const std::string& query);

    http::client& client_;
    glytoucan_options options_;
    const logger& log_;
    sparql_pager pager_;
    std::unordered_map<std::string, sparql_row> sparql_known_; // what SPARQL said of an accession, until it is fetched
    simdjson::ondemand::parser sparql_parser_; // one parser per coroutine: the dispatcher's (listing and lookups)
};

} // namespace harvest::sources
