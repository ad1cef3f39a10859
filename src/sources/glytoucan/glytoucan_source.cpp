#include <harvest/sources/glytoucan/glytoucan_source.hpp>

#include <harvest/http/redact.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cctype>
#include <span>
#include <unordered_set>
#include <charconv>
#include <stdexcept>

namespace harvest::sources {
namespace asio = boost::asio;

namespace {

std::string form_encode(std::string_view s) {
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    return boost::urls::encode(s, boost::urls::unreserved_chars, opts);
}

// `malformed`: the body was received and could not be used on any attempt.
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
    return {{"ts.glytoucan.org", {2.0, 2.0}}, {"ts.glycosmos.org", {2.0, 2.0}}, {"api.glycosmos.org", {5.0, 5.0}}, {"api.glygen.org", {5.0, 5.0}}};
}

std::map<std::string, std::size_t, std::less<>> glytoucan_default_connections() { return {{"ts.glytoucan.org", 2}, {"ts.glycosmos.org", 2}}; }

bool is_glytoucan_accession(std::string_view id) noexcept {
    if (id.size() != 8 || id[0] != 'G') return false;
    for (std::size_t i = 1; i < 6; ++i)
        if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
    return std::isupper(static_cast<unsigned char>(id[6])) && std::isupper(static_cast<unsigned char>(id[7]));
}

glytoucan_source::glytoucan_source(http::client& client, glytoucan_options options, const logger& log)
    : client_(client), options_(std::move(options)), log_(log), pager_(options_.page_size) {
    options_.glycosmos_url = without_trailing_slash(options_.glycosmos_url);
    options_.glygen_url = without_trailing_slash(options_.glygen_url);
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

struct glytoucan_source::sparql_answer {
    std::vector<sparql_row> rows;            // a complete answer's rows
    std::optional<std::size_t> row_cap;      // the cap the server announced (X-SPARQL-MaxRows)
    std::optional<sparql_refusal> refusal;   // refused or flagged: ask for less
    std::string error;                       // failed otherwise (transport, HTTP status, body)
    bool cancelled = false;                  // the run is stopping
    std::string detail;                      // what the server said, for a message
};

asio::awaitable<glytoucan_source::sparql_answer> glytoucan_source::query_sparql(const std::string& query) {
    http::request req;
    req.method = "POST";
    req.url = options_.sparql_url;
    req.headers = {{"Accept", "application/sparql-results+json"}, {"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = "query=" + form_encode(query);
    // A query too large for the server is answered by a smaller one, not by the same one again.
    req.is_permanent = [](const http::response& r) { return refusal_in(r.status, r.body, {}).has_value(); };
    auto result = co_await client_.fetch(req);
    sparql_answer a;
    if (!result.ok()) {
        a.detail = result.error;
        a.cancelled = result.ec == errc::cancelled;
        if (!a.cancelled && result.error.find("timeout") != std::string::npos) a.refusal = sparql_refusal::timeout;
        else a.error = result.error;
        co_return a;
    }
    const auto& res = result.res;
    a.detail = "HTTP " + std::to_string(res.status) + " " + res.body.substr(0, 200);
    if ((a.refusal = refusal_in(res.status, res.body, res.header("x-sql-state")))) co_return a;
    if (res.status != 200) {
        a.error = options_.sparql_url + " answered HTTP " + std::to_string(res.status);
        co_return a;
    }
    if (auto why = parse_sparql_rows(sparql_parser_, result.res.body, a.rows); !why.empty()) {
        a.error = std::move(why);
        co_return a;
    }
    if (const auto cap = res.header("x-sparql-maxrows"); !cap.empty()) {
        std::size_t n = 0;
        if (std::from_chars(cap.data(), cap.data() + cap.size(), n).ec == std::errc{}) a.row_cap = n;
    }
    co_return a;
}

asio::awaitable<std::optional<error>> glytoucan_source::list(std::vector<target>& out, bool& done) {
    const auto& g = pager_.graphs();
    auto listing_error = [&](std::string why) {
        return std::optional<error>(error{make_error_code(errc::listing_failed),
                                          "GlyTouCan SPARQL listing from " + options_.sparql_url + " (graphs <" + g.core + ">, <" + g.wurcs +
                                              ">, archive <" + g.archive + "> excluded), after '" + pager_.after() + "': " + why,
                                          false, {}});
    };
    for (;;) {
        auto a = co_await query_sparql(pager_.query());
        if (a.refusal) {
            const auto was = pager_.page_size();
            if (pager_.on_refusal(*a.refusal) == page_verdict::give_up)
                co_return listing_error("refused even one accession per page: " + a.detail);
            log_.info("SPARQL page of " + std::to_string(was) + " accessions refused (" + std::string(describe(*a.refusal)) + "): asking for " +
                          std::to_string(pager_.page_size()),
                      {{"event", "sparql_page_smaller"}, {"page_size", pager_.page_size()}, {"was", was}});
            continue;
        }
        if (!a.error.empty()) co_return listing_error(a.error);
        const auto row_count = a.rows.size();
        std::vector<sparql_row> accepted;
        const auto verdict = pager_.on_rows(std::move(a.rows), accepted, a.row_cap);
        log_.debug("SPARQL page " + std::to_string(pager_.pages()) + ": " + std::to_string(row_count) + " rows, " +
                       std::to_string(accepted.size()) + " accessions",
                   {{"event", "sparql_page"}, {"rows", row_count}, {"accessions", accepted.size()}, {"page_size", pager_.page_size()}});
        if (verdict == page_verdict::no_accession) co_return listing_error("no accession at all (is this GlyTouCan's endpoint, with its graphs?)");
        done = verdict == page_verdict::done;
        for (auto& r : accepted) {
            auto id = r.accession;
            sparql_known_.insert_or_assign(id, std::move(r));
            out.push_back(target{std::move(id), std::nullopt, true, {}});
        }
        co_return std::nullopt;
    }
}

asio::awaitable<void> glytoucan_source::look_up(std::vector<target> block) {
    std::vector<std::string> ids;
    for (auto& t : block)
        if (is_glytoucan_accession(t.id)) ids.push_back(std::move(t.id)); // only accessions become IRIs
    std::size_t requests = 0, found = 0;
    std::vector<std::span<const std::string>> parts{ids};
    while (!parts.empty()) {
        const auto part = parts.back();
        parts.pop_back();
        if (part.empty()) continue;
        ++requests;
        auto a = co_await query_sparql(lookup_query(pager_.graphs(), part));
        if (a.cancelled) co_return;
        const bool cut = a.refusal || (a.error.empty() && at_row_cap(a.rows.size(), a.row_cap));
        if (cut && part.size() > 1) {
            const auto half = part.size() / 2;
            parts.push_back(part.subspan(half));
            parts.push_back(part.first(half));
            log_.info("SPARQL lookup of " + std::to_string(part.size()) + " accessions refused or cut (" +
                          std::string(a.refusal ? describe(*a.refusal) : "at the row cap") + "): asking in halves",
                      {{"event", "sparql_lookup_smaller"}, {"accessions", part.size()}});
            continue;
        }
        if (cut || !a.error.empty()) {
            log_.warn("SPARQL lookup of " + std::to_string(part.size()) + " accession(s) from " + options_.sparql_url + " failed (" +
                          (a.error.empty() ? a.detail : a.error) + "): they are fetched one by one",
                      {{"event", "sparql_lookup_failed"}, {"accessions", part.size()}});
            continue;
        }
        const std::unordered_set<std::string_view> asked(part.begin(), part.end());
        for (auto& r : merge_rows(std::move(a.rows))) {
            if (!asked.contains(r.accession)) continue; // a server answering what was not asked
            ++found;
            auto id = r.accession;
            sparql_known_.insert_or_assign(std::move(id), std::move(r));
        }
    }
    log_.debug("SPARQL lookup: " + std::to_string(found) + " of " + std::to_string(ids.size()) + " accessions found in " +
                   std::to_string(requests) + " request(s)",
               {{"event", "sparql_lookup"}, {"accessions", ids.size()}, {"found", found}, {"requests", requests}});
}

asio::awaitable<outcome> glytoucan_source::fetch(const target& t) {
    using namespace asio::experimental::awaitable_operators;
    const std::string& accession = t.id;
    // Listed ids come from a remote endpoint: one that is no accession never becomes part of a URL.
    if (!is_glytoucan_accession(accession))
        co_return target_failure{accession, options_.sparql_url, 0,
                                 "listed, but not a GlyTouCan accession (expected G + 5 digits + 2 capital letters): not requested", 0, true};
    simdjson::ondemand::parser parser; // one per coroutine: accessions are fetched concurrently
    std::optional<sparql_row> known;
    if (auto it = sparql_known_.find(accession); it != sparql_known_.end()) {
        known = std::move(it->second);
        sparql_known_.erase(it);
    }
    if (known && known->archived)
        co_return target_failure{accession, options_.sparql_url, 200,
                                 "archived in GlyTouCan (withdrawn or replaced: its archive graph lists it): not harvested", 1, true};

    http::request glygen_req;
    glygen_req.url = options_.glygen_url + "/glycan/detail/" + accession + "/";
    // Only an unknown accession is final; other GlyGen errors (open-connection-failed) may pass.
    glygen_req.is_permanent = [](const http::response& r) { return r.status == 500 && r.body.find("\"non-existent-record\"") != std::string::npos; };

    glycan_record record;
    record.accession = accession;
    std::optional<http::fetch_result> glygen;
    int attempts = 0; // this glycan's own requests (the SPARQL lookup serves many)
    target_failure last{accession, options_.sparql_url, 200, {}, 1, true}; // the last answer, for a failure's fields
    if (known) {
        record.wurcs = std::move(known->wurcs);
        record.glycoct = std::move(known->glycoct);
        record.iupac_condensed = std::move(known->iupac_condensed);
        record.mass = known->mass;
        if (options_.enrich) glygen = co_await client_.fetch(glygen_req);
    } else {
        // SPARQL does not know it (an --ids accession missing from GlyTouCan's graphs, or a lookup
        // that failed): GlyCosmos's per-accession sequences, with GlyGen concurrently.
        http::request seqs_req;
        seqs_req.url = options_.glycosmos_url + "/sparqlist/gtcid2seqs?gtcid=" + accession;
        glycosmos_sequences sequences;
        seqs_req.check_body = [&](http::response& res) {
            sequences = {};
            return parse_gtcid2seqs(parser, res.body, sequences);
        };
        http::fetch_result seqs;
        if (options_.enrich) {
            auto both = client_.fetch(seqs_req) && client_.fetch(glygen_req); // named first: GCC bug 107288
            auto [s, g] = co_await std::move(both);
            seqs = std::move(s);
            glygen = std::move(g);
        } else {
            seqs = co_await client_.fetch(seqs_req);
        }
        if (!seqs.ok()) co_return failure_from(accession, seqs, seqs.error, seqs.ec == errc::malformed_body);
        if (seqs.res.status != 200)
            co_return failure_from(accession, seqs, "GlyCosmos gtcid2seqs answered HTTP " + std::to_string(seqs.res.status));
        record.wurcs = std::move(sequences.wurcs);
        record.glycoct = std::move(sequences.glycoct);
        attempts += seqs.attempts;
        last = failure_from(accession, seqs, {});
    }

    std::string incomplete;
    if (glygen) {
        auto& g = *glygen;
        std::string glygen_failed; // why GlyGen gave nothing, after its retries
        bool malformed = false;
        if (!g.ok()) {
            glygen_failed = g.error;
        } else if (g.res.status == 200) {
            if (auto error = parse_glygen_detail(parser, g.res.body, record); !error.empty()) {
                glygen_failed = std::move(error);
                malformed = true;
            }
        } else if (g.res.status == 500) {
            // GlyGen's 500 + non-existent-record is an answer: not in GlyGen, the record is not enriched.
            if (auto code = glygen_error_code(parser, g.res.body); code != "non-existent-record")
                glygen_failed = "GlyGen answered HTTP 500 with error_code '" + code.value_or("(none)") + "'";
        } else if (g.res.status != 404) {
            glygen_failed = "GlyGen answered HTTP " + std::to_string(g.res.status);
        }
        if (!glygen_failed.empty()) {
            // With the sequences in hand the record is written unenriched, and asked again later.
            if (!has_content(record)) co_return failure_from(accession, g, glygen_failed, malformed);
            incomplete = glygen_failed;
        }
        attempts += g.attempts;
        last = failure_from(accession, g, {});
    }
    if (!has_content(record)) {
        const std::string where = std::string(known ? "GlyTouCan's SPARQL" : "GlyCosmos") + (options_.enrich ? " or GlyGen" : " (GlyGen not asked: --no-enrich)");
        const bool exists = known || t.listed || record.enriched;
        last.reason = (exists ? "no content: no sequence, mass or annotation in " : "not found: not in GlyTouCan's SPARQL, nothing in ") + where;
        last.permanent = true;
        co_return last;
    }
    co_return fetched{accession, make_record(std::move(record)), std::nullopt, {}, {}, std::move(incomplete), attempts};
}

} // namespace harvest::sources
