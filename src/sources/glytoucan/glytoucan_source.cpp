#include <harvest/sources/glytoucan/glytoucan_source.hpp>

#include <harvest/http/redact.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cctype>
#include <stdexcept>

namespace harvest::sources {
namespace asio = boost::asio;

namespace {

std::string form_encode(std::string_view s) {
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    return boost::urls::encode(s, boost::urls::unreserved_chars, opts);
}

// `malformed`: the body was received and cannot be used, which asking again will not change.
target_failure failure_from(const std::string& id, const http::fetch_result& r, std::string reason, bool malformed = false) {
    return target_failure{id, r.res.url.empty() ? std::string() : r.res.url, r.res.status, std::move(reason), r.attempts,
                          malformed || (r.ok() && is_permanent_status(r.res.status))};
}

} // namespace

void glytoucan_options::set_base_url(const std::string& base) {
    const auto b = without_trailing_slash(base);
    sparql_url = b + "/sparql";
    glycosmos_url = b;
    glygen_url = b;
}

std::map<std::string, http::rate_limit, std::less<>> glytoucan_default_rates() {
    return {{"ts.glytoucan.org", {2.0, 2.0}}, {"api.glycosmos.org", {5.0, 5.0}}, {"api.glygen.org", {5.0, 5.0}}};
}

bool is_glytoucan_accession(std::string_view id) noexcept {
    if (id.size() != 8 || id[0] != 'G') return false;
    for (std::size_t i = 1; i < 6; ++i)
        if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
    return std::isupper(static_cast<unsigned char>(id[6])) && std::isupper(static_cast<unsigned char>(id[7]));
}

glytoucan_source::glytoucan_source(http::client& client, glytoucan_options options, const logger& log)
    : client_(client), options_(std::move(options)), log_(log) {
    options_.glycosmos_url = without_trailing_slash(options_.glycosmos_url);
    options_.glygen_url = without_trailing_slash(options_.glygen_url);
}

std::string glytoucan_source::sparql_query(std::size_t offset) const {
    // The GlyTouCan sample query for primary ids with WURCS, made OPTIONAL so that accessions
    // without a WURCS sequence are still listed, and the archive graph excluded.
    return "PREFIX glycan: <http://purl.jp/bio/12/glyco/glycan#>\n"
           "PREFIX glytoucan: <http://www.glytoucan.org/glyco/owl/glytoucan#>\n"
           "SELECT DISTINCT ?AccNum ?wurcs\n"
           "FROM <http://rdf.glytoucan.org/core>\n"
           "FROM <http://rdf.glytoucan.org/sequence/wurcs>\n"
           "WHERE {\n"
           "  ?saccharide glytoucan:has_primary_id ?AccNum .\n"
           "  OPTIONAL { ?saccharide glycan:has_glycosequence ?gseq . ?gseq glycan:has_sequence ?wurcs . }\n"
           "  FILTER NOT EXISTS { GRAPH <http://rdf.glytoucan.org/archive> { ?saccharide ?p ?o } }\n"
           "}\n"
           "ORDER BY ?AccNum LIMIT " + std::to_string(options_.page_size) + " OFFSET " + std::to_string(offset) + "\n";
}

target glytoucan_source::parse_id(std::string_view line) const {
    if (!is_glytoucan_accession(line))
        throw std::invalid_argument("'" + std::string(line) +
                                    "' is not a GlyTouCan accession (expected G + 5 digits + 2 capital letters, e.g. G17689DH)");
    return target{std::string(line), std::nullopt, false, {}};
}

void glytoucan_source::write_selection(exporting::json_writer& w) const {
    w.key("enumeration").value("sparql").key("sparql_url").value(http::redact_url(options_.sparql_url))
        .key("page_size").value(static_cast<std::uint64_t>(options_.page_size)).key("enrich").value(options_.enrich);
}

asio::awaitable<std::optional<error>> glytoucan_source::list(std::vector<target>& out, bool& done) {
    http::request req;
    req.method = "POST";
    req.url = options_.sparql_url;
    req.headers = {{"Accept", "application/sparql-results+json"}, {"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = "query=" + form_encode(sparql_query(offset_));
    auto result = co_await client_.fetch(req);
    auto listing_error = [this](std::string why) {
        return std::optional<error>(error{make_error_code(errc::listing_failed),
                                          "GlyTouCan SPARQL listing at offset " + std::to_string(offset_) + ": " + why, false, {}});
    };
    if (!result.ok()) co_return listing_error(result.error);
    if (result.res.status != 200) co_return listing_error(options_.sparql_url + " answered HTTP " + std::to_string(result.res.status));
    std::vector<sparql_row> rows;
    if (auto why = parse_sparql_rows(list_parser_, result.res.body, "AccNum", "wurcs", rows); !why.empty()) co_return listing_error(why);
    log_.debug("SPARQL page at offset " + std::to_string(offset_) + ": " + std::to_string(rows.size()) + " accessions",
               {{"offset", offset_}, {"rows", rows.size()}, {"page_size", options_.page_size}});
    offset_ += rows.size();
    done = rows.size() < options_.page_size;
    for (auto& r : rows) {
        if (r.wurcs) listed_wurcs_[r.accession] = std::move(*r.wurcs);
        out.push_back(target{std::move(r.accession), std::nullopt, true, {}});
    }
    co_return std::nullopt;
}

asio::awaitable<outcome> glytoucan_source::fetch(const target& t) {
    using namespace asio::experimental::awaitable_operators;
    const std::string& accession = t.id;
    // Listed ids come from a remote endpoint: one that is no accession never becomes part of a URL.
    if (!is_glytoucan_accession(accession))
        co_return target_failure{accession, options_.sparql_url, 0,
                                 "listed, but not a GlyTouCan accession (expected G + 5 digits + 2 capital letters): not requested", 0, true};
    simdjson::ondemand::parser parser; // one per coroutine: accessions are fetched concurrently
    std::optional<std::string> listed_wurcs;
    if (auto it = listed_wurcs_.find(accession); it != listed_wurcs_.end()) {
        listed_wurcs = std::move(it->second);
        listed_wurcs_.erase(it);
    }

    http::request seqs_req;
    seqs_req.url = options_.glycosmos_url + "/sparqlist/gtcid2seqs?gtcid=" + accession;
    http::fetch_result seqs;
    std::optional<http::fetch_result> glygen;
    if (options_.enrich) {
        // GlyGen runs concurrently with GlyCosmos; GlyGen's 500 + non-existent-record is an answer.
        http::request glygen_req;
        glygen_req.url = options_.glygen_url + "/glycan/detail/" + accession + "/";
        // Only an unknown accession is final; other GlyGen errors (open-connection-failed) may pass.
        glygen_req.is_permanent = [](const http::response& r) {
            return r.status == 500 && r.body.find("\"non-existent-record\"") != std::string::npos;
        };
        auto both = client_.fetch(seqs_req) && client_.fetch(glygen_req); // named first: GCC bug 107288
        auto [s, g] = co_await std::move(both);
        seqs = std::move(s);
        glygen = std::move(g);
    } else {
        seqs = co_await client_.fetch(seqs_req);
    }

    glycan_record record;
    record.accession = accession;
    if (!seqs.ok()) co_return failure_from(accession, seqs, seqs.error);
    if (seqs.res.status != 200)
        co_return failure_from(accession, seqs, "GlyCosmos gtcid2seqs answered HTTP " + std::to_string(seqs.res.status));
    glycosmos_sequences sequences;
    if (auto error = parse_gtcid2seqs(parser, seqs.res.body, sequences); !error.empty())
        co_return failure_from(accession, seqs, error, true);
    record.wurcs = sequences.wurcs ? sequences.wurcs : listed_wurcs;
    record.glycoct = sequences.glycoct;

    if (glygen) {
        auto& g = *glygen;
        if (!g.ok()) co_return failure_from(accession, g, g.error);
        if (g.res.status == 200) {
            if (auto error = parse_glygen_detail(parser, g.res.body, record); !error.empty())
                co_return failure_from(accession, g, error, true);
        } else if (g.res.status == 500) {
            auto code = glygen_error_code(parser, g.res.body);
            if (code != "non-existent-record")
                co_return failure_from(accession, g, "GlyGen answered HTTP 500 with error_code '" + code.value_or("(none)") + "'");
            // Not in GlyGen: the record is still written from GlyTouCan/GlyCosmos, not enriched.
        } else if (g.res.status != 404) {
            co_return failure_from(accession, g, "GlyGen answered HTTP " + std::to_string(g.res.status));
        }
    }
    if (!t.listed && !record.wurcs && !record.glycoct && !record.enriched)
        co_return target_failure{accession, seqs.res.url, seqs.res.status, "not found: no sequence in GlyCosmos and not in GlyGen",
                                 seqs.attempts, true};
    co_return fetched{accession, make_record(std::move(record)), std::nullopt, {}, {}};
}

} // namespace harvest::sources
