#include <harvest/sources/pypi/pypi_source.hpp>

#include <harvest/ascii.hpp>
#include <harvest/http/redact.hpp>
#include <harvest/sources/pypi/pypi_name.hpp>
#include <harvest/sources/pypi/pypi_parsers.hpp>

#include <charconv>
#include <set>
#include <stdexcept>

namespace harvest::sources {
namespace asio = boost::asio;

namespace {

bool is_valid_version(std::string_view v) {
    if (v.empty()) return false;
    for (char c : v)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != '+' && c != '!') return false;
    return true;
}

// "name", "name[extra,...]" or "name==version" (an id parse_id made): the project and, for one
// release, its version.
std::pair<std::string_view, std::optional<std::string_view>> split_target_id(std::string_view id) {
    const auto eq = id.find("==");
    auto name = id.substr(0, eq);
    name = name.substr(0, name.find('['));
    if (eq == std::string_view::npos) return {name, std::nullopt};
    return {name, id.substr(eq + 2)};
}

// `malformed`: the body was received and could not be used on any attempt.
target_failure failure(const target& t, const std::string& url, const http::fetch_result& r, std::string reason, bool malformed = false) {
    return target_failure{t.id, r.res.url.empty() ? url : r.res.url, r.res.status, std::move(reason), r.attempts,
                          malformed || (r.ok() && is_permanent_status(r.res.status))};
}

std::optional<std::uint64_t> serial_header(const http::response& res) {
    const auto header = res.header("x-pypi-last-serial");
    std::uint64_t serial = 0;
    if (header.empty() || std::from_chars(header.data(), header.data() + header.size(), serial).ec != std::errc{}) return std::nullopt;
    return serial;
}

// A CDN may answer from a page cached before the index's serial, for hours (warehouse #12214):
// asked again after 1 s, 2 s, 4 s ... (bandersnatch waits 1 s, 2 s) while the retry budget lasts.
constexpr std::chrono::milliseconds first_stale_wait{1000};

} // namespace

std::map<std::string, http::rate_limit, std::less<>> pypi_default_rates() { return {{"pypi.org", {3.0, 5.0}}}; }

pypi_source::pypi_source(http::client& client, pypi_options options, const logger& log)
    : client_(client), options_(std::move(options)), log_(log) {
    options_.base_url = without_trailing_slash(options_.base_url);
    if (options_.follow_deps && options_.environment) closure_.emplace(*options_.environment);
}

target pypi_source::parse_id(std::string_view line) const {
    std::string_view name = line, version;
    if (auto eq = line.find("=="); eq != std::string_view::npos) {
        name = line.substr(0, eq);
        version = line.substr(eq + 2);
        if (!is_valid_version(version))
            throw std::invalid_argument("'" + std::string(line) + "' has no valid version after '==' (expected name==1.2.3)");
    }
    // name[extra,...]: the extras whose requirements --follow-deps follows too.
    std::set<std::string> extras;
    if (const auto open = name.find('['); open != std::string_view::npos) {
        const auto close = name.find(']', open);
        if (close != name.size() - 1) throw std::invalid_argument("'" + std::string(line) + "' has no closing ']' after its extras (expected name[extra,...])");
        for (auto rest = name.substr(open + 1, close - open - 1); !rest.empty();) {
            const auto comma = rest.find(',');
            const auto extra = ascii_trim(rest.substr(0, comma));
            if (!is_valid_project_name(extra)) throw std::invalid_argument("'" + std::string(line) + "' names an extra that is not one: '" + std::string(extra) + "'");
            extras.insert(normalize_project_name(extra));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        name = name.substr(0, open);
    }
    if (!is_valid_project_name(name))
        throw std::invalid_argument("'" + std::string(line) +
                                    "' is not a PyPI project name (expected letters, digits and . _ - inside, optionally [extras] and ==version)");
    target t{normalize_project_name(name), std::nullopt, false, {}};
    if (!extras.empty()) {
        t.id += '[';
        for (const auto& e : extras) t.id += (t.id.back() == '[' ? "" : ",") + e;
        t.id += ']';
    }
    if (!version.empty()) t.id += "==" + std::string(version);
    return t;
}

void pypi_source::write_selection(exporting::json_writer& w) const {
    w.key("base_url").value(http::redact_url(options_.base_url)).key("follow_deps").value(options_.follow_deps)
        .key("with_description").value(options_.with_description);
    if (options_.follow_deps) {
        if (options_.environment) w.key("python_version").value(options_.python_version).key("platform").value(options_.platform);
        else w.key("all_markers").value(true);
    }
}

std::vector<source_table> pypi_source::tables() {
    if (!closure_) return {};
    source_table edges{"edges", {}};
    for (const auto& e : closure_->take_edges()) edges.lines += e.to_json() + "\n";
    return {std::move(edges)};
}

asio::awaitable<std::optional<error>> pypi_source::list(std::vector<target>& out, bool& done) {
    done = true; // the index is one body, read as a stream of entries
    std::vector<target> listed;
    std::string stream_error;
    simple_index_stream splitter([&listed](index_entry e) {
        if (is_valid_project_name(e.name))
            listed.push_back(target{normalize_project_name(e.name), e.last_serial, true, {}});
    });
    http::request req;
    req.url = options_.base_url + "/simple/";
    req.headers = {{"Accept", "application/vnd.pypi.simple.v1+json"}};
    req.body_limit = options_.index_body_limit;
    req.on_body = [&](std::string_view piece) {
        if (stream_error.empty()) stream_error = splitter.feed(piece);
    };
    req.on_restart = [&] {
        splitter.reset();
        listed.clear();
        stream_error.clear();
    };
    auto listing_error = [](std::string message) {
        return std::optional<error>(error{make_error_code(errc::listing_failed), std::move(message), false, {}});
    };
    auto result = co_await client_.fetch(req);
    if (!result.ok()) co_return listing_error("PEP 691 index: " + result.error);
    if (result.res.status != 200) co_return listing_error("PEP 691 index: " + req.url + " answered HTTP " + std::to_string(result.res.status));
    if (result.res.header("content-type").find("json") == std::string_view::npos)
        co_return listing_error("PEP 691 index: " + req.url + " answered '" + std::string(result.res.header("content-type")) +
                                "', not application/vnd.pypi.simple.v1+json (is this a PEP 691 index?)");
    if (stream_error.empty()) stream_error = splitter.finish();
    if (!stream_error.empty()) co_return listing_error(req.url + ": " + stream_error);
    log_.debug("PEP 691 index listed " + std::to_string(listed.size()) + " projects", {{"url", req.url}, {"projects", listed.size()}});
    for (auto& t : listed) out.push_back(std::move(t));
    co_return std::nullopt;
}

asio::awaitable<outcome> pypi_source::fetch(const target& t) {
    auto result = co_await fetch_record(t);
    if (const auto* failed = std::get_if<target_failure>(&result); failed && closure_) closure_->on_failure(t.id, failed->reason);
    co_return result;
}

asio::awaitable<outcome> pypi_source::fetch_record(const target& t) {
    simdjson::ondemand::parser parser; // one per coroutine: targets are fetched concurrently
    const auto [project, version] = split_target_id(t.id);
    http::request req;
    req.url = options_.base_url + "/pypi/" + std::string(project) + (version ? "/" + std::string(*version) : std::string()) + "/json";
    if (!t.etag.empty()) req.headers.emplace_back("If-None-Match", t.etag);
    pypi_record record;
    req.check_body = [&](http::response& res) {
        record = {};
        return parse_pypi_project(parser, res.body, options_.with_description, record);
    };
    http::fetch_result result;
    int attempts = 0; // every request, stale copies included
    std::string stale; // why the page kept is older than the index says it is
    std::optional<pypi_record> newest; // the newest stale page seen, kept if no fresh one comes
    std::uint64_t newest_serial = 0;
    std::string newest_etag;
    std::chrono::milliseconds waited{0};
    for (auto wait = first_stale_wait;; wait *= 2) {
        result = co_await client_.fetch(req);
        attempts += result.attempts;
        if (!result.ok()) co_return failure(t, req.url, result, result.error, result.ec == errc::malformed_body);
        const auto serial = serial_header(result.res);
        // bandersnatch's rule: a page older than the index's serial for it is a stale CDN copy.
        if (!(t.revision && serial && *serial < *t.revision && (result.res.status == 200 || result.res.status == 304))) {
            stale.clear(); // fresh at last
            newest.reset();
            break;
        }
        if (result.res.status == 200 && *serial > newest_serial) {
            newest = record;
            newest_serial = *serial;
            newest_etag = result.res.header("etag");
        }
        stale = "stale page: X-PyPI-Last-Serial " + std::to_string(newest_serial ? newest_serial : *serial) + " is older than the index's " +
                std::to_string(*t.revision) + " after " + std::to_string(attempts) + " requests";
        // Out of budget: the newest page seen is written with its own serial, marked stale, so
        // the next run asks again; a 304 keeps the record as it is.
        if (waited + wait > client_.options().retry.budget || result.res.status == 304) break;
        log_.debug("stale page for " + t.id + ": X-PyPI-Last-Serial " + std::to_string(*serial) + " is older than the index's " +
                       std::to_string(*t.revision) + "; asking again in " + std::to_string(wait.count()) + " ms",
                   {{"id", t.id}, {"page_serial", *serial}, {"index_serial", *t.revision}, {"wait_ms", wait.count()}});
        if (!co_await client_.sleep_for(wait)) co_return failure(t, req.url, result, stale + ": cancelled");
        waited += wait;
        if (req.headers.empty() || req.headers.back().first != "Cache-Control") req.headers.emplace_back("Cache-Control", "no-cache");
    }
    if (result.res.status == 304 && !t.etag.empty()) co_return not_modified{t.id, std::string(result.res.header("etag")), attempts};
    if (result.res.status == 404) co_return failure(t, req.url, result, "not found (HTTP 404)");
    if (result.res.status != 200) co_return failure(t, req.url, result, "HTTP " + std::to_string(result.res.status));
    std::string etag(result.res.header("etag"));
    if (!stale.empty() && newest) { // the newest stale page, with its own serial
        record = std::move(*newest);
        etag = std::move(newest_etag);
        if (!record.last_serial) record.last_serial = newest_serial;
    }
    if (!record.last_serial) record.last_serial = serial_header(result.res); // the body was parsed by check_body
    // Today's JSON API (and every release route) has no `releases`: versions, upload times and
    // status come from the project's PEP 691 page.
    if (record.versions_from.empty()) {
        http::request simple;
        simple.url = options_.base_url + "/simple/" + std::string(normalize_project_name(project)) + "/";
        simple.headers.emplace_back("Accept", "application/vnd.pypi.simple.v1+json");
        simple.check_body = [&](http::response& res) { return parse_simple_project(parser, res.body, record); };
        const auto index = co_await client_.fetch(simple);
        attempts += index.attempts;
        if (!index.ok()) co_return failure(t, simple.url, index, index.error, index.ec == errc::malformed_body);
        if (index.res.status != 200) co_return failure(t, simple.url, index, "PEP 691 project page answered HTTP " + std::to_string(index.res.status));
    }
    fetched out{normalize_project_name(record.name), {}, record.last_serial, {}, std::move(etag), std::move(stale), attempts};
    if (closure_) {
        out.discovered = closure_->on_record(t.id, record);
    } else if (options_.follow_deps) { // --all-markers: every requirement's project
        for (const auto& requirement : record.requires_dist)
            if (auto name = requirement_name(requirement)) out.discovered.push_back(normalize_project_name(*name));
    }
    if (version) out.id = normalize_project_name(project) + "==" + std::string(*version); // the release, whatever extras asked for it
    out.record = make_record(std::move(record));
    co_return out;
}

} // namespace harvest::sources
