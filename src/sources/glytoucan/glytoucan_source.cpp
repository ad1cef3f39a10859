#include <harvest/sources/glytoucan/glytoucan_source.hpp>

#include <harvest/http/redact.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cctype>
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

asio::awaitable<std::optional<error>> glytoucan_source::list(std::vector<target>& out, bool& done) {
    const auto& g = pager_.graphs();
    auto listing_error = [&](std::string why) {
        return std::optional<error>(error{make_error_code(errc::listing_failed),
                                          "GlyTouCan SPARQL listing from " + options_.sparql_url + " (graphs <" + g.core + ">, <" + g.wurcs +
                                              ">, archive <" + g.archive + "> excluded), after '" + pager_.after() + "': " + why,
                                          false, {}});
    };
    for (;;) {
        http::request req;
        req.method = "POST";
        req.url = options_.sparql_url;
        req.headers = {{"Accept", "application/sparql-results+json"}, {"Content-Type", "application/x-www-form-urlencoded"}};
        req.body = "query=" + form_encode(pager_.query());
        // A page too large for the server is answered by a smaller page, not by the same one again.
        req.is_permanent = [](const http::response& r) { return sparql_pager::refusal_in(r.status, r.body, {}).has_value(); };
        auto result = co_await client_.fetch(req);
        std::optional<page_refusal> refusal;
        if (!result.ok()) {
            if (result.ec == errc::cancelled || result.error.find("timeout") == std::string::npos) co_return listing_error(result.error);
            refusal = page_refusal::timeout;
        } else {
            refusal = sparql_pager::refusal_in(result.res.status, result.res.body, result.res.header("x-sql-state"));
        }
        if (refusal) {
            const auto was = pager_.page_size();
            if (pager_.on_refusal(*refusal) == page_verdict::give_up)
                co_return listing_error("refused even one accession per page: " +
                                        (result.ok() ? "HTTP " + std::to_string(result.res.status) + " " + result.res.body.substr(0, 200) : result.error));
            log_.info("SPARQL page of " + std::to_string(was) + " accessions refused (" +
                          (*refusal == page_refusal::sort_limit ? "sort limit, SR353" : *refusal == page_refusal::timeout ? "timeout" : "truncated result") +
                          "): asking for " + std::to_string(pager_.page_size()),
                      {{"event", "sparql_page_smaller"}, {"page_size", pager_.page_size()}, {"was", was}});
            continue;
        }
        if (result.res.status != 200) co_return listing_error(options_.sparql_url + " answered HTTP " + std::to_string(result.res.status));
        std::vector<sparql_row> rows, accepted;
        if (auto why = parse_sparql_rows(list_parser_, result.res.body, "AccNum", "wurcs", rows); !why.empty()) co_return listing_error(why);
        const auto row_count = rows.size();
        std::optional<std::size_t> row_cap;
        if (const auto cap = result.res.header("x-sparql-maxrows"); !cap.empty()) {
            std::size_t n = 0;
            if (std::from_chars(cap.data(), cap.data() + cap.size(), n).ec == std::errc{}) row_cap = n;
        }
        const auto verdict = pager_.on_rows(std::move(rows), accepted, row_cap);
        log_.debug("SPARQL page " + std::to_string(pager_.pages()) + ": " + std::to_string(row_count) + " rows, " +
                       std::to_string(accepted.size()) + " accessions",
                   {{"event", "sparql_page"}, {"rows", row_count}, {"accessions", accepted.size()}, {"page_size", pager_.page_size()}});
        if (verdict == page_verdict::no_accession) co_return listing_error("no accession at all (is this GlyTouCan's endpoint, with its graphs?)");
        done = verdict == page_verdict::done;
        for (auto& r : accepted) {
            if (r.wurcs) listed_wurcs_[r.accession] = std::move(*r.wurcs);
            out.push_back(target{std::move(r.accession), std::nullopt, true, {}});
        }
        co_return std::nullopt;
    }
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
