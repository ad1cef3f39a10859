#include "fixture_router.hpp"

#include <harvest/export/json_writer.hpp>
#include <harvest/sources/pypi/pypi_name.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace harvest::fixture {
namespace urls = boost::urls;
using exporting::json_writer;

namespace {

constexpr std::string_view pep691_json = "application/vnd.pypi.simple.v1+json";

std::shared_ptr<const std::string> text(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

fixture_response json_response(unsigned status, std::string body) {
    return {status, "application/json", {}, text(std::move(body))};
}

fixture_response not_found() { return {404, "text/html; charset=utf-8", {}, text("<html><body><h1>404 Not Found</h1></body></html>\n")}; }
fixture_response method_not_allowed() { return {405, "text/plain", {{"Allow", "GET, HEAD, POST"}}, text("Method Not Allowed\n")}; }
fixture_response bad_request(std::string why) { return {400, "text/plain", {}, text(std::move(why) + "\n")}; }

fixture_response redirect(std::string location) {
    return {301, "text/html; charset=utf-8", {{"Location", std::move(location)}}, text("<html><body>Moved</body></html>\n")};
}

// A stored body with its validators; 304 when the client's If-None-Match matches.
fixture_response cached(const body& b, std::string content_type, std::string_view if_none_match, unsigned max_age,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("ETag", b.etag);
    headers.emplace_back("Cache-Control", "max-age=" + std::to_string(max_age) + ", public");
    const bool matches = !if_none_match.empty() &&
                         (if_none_match == "*" || if_none_match.find(b.etag) != std::string_view::npos);
    if (matches) return {304, "", std::move(headers), nullptr};
    return {200, std::move(content_type), std::move(headers), b.text};
}

std::vector<std::string> path_segments(urls::url_view u) {
    std::vector<std::string> out;
    for (auto s : u.segments()) out.push_back(s);
    return out;
}

std::optional<std::string> param(urls::url_view u, std::string_view key) {
    auto it = u.params().find(key);
    if (it == u.params().end() || !(*it).has_value) return std::nullopt;
    return std::string((*it).value);
}

// The value of `key` in the query string or, for a POST form, in the body.
std::optional<std::string> request_param(urls::url_view u, const fixture_request& req, std::string_view key) {
    if (auto v = param(u, key)) return v;
    if (req.method == "POST" && req.content_type.starts_with("application/x-www-form-urlencoded")) {
        const std::string form = "/?" + std::string(req.body);
        if (auto parsed = urls::parse_origin_form(form)) return param(*parsed, key);
    }
    return std::nullopt;
}

bool is_read(std::string_view method) { return method == "GET" || method == "HEAD"; }

fixture_response pypi_json(const fixture_catalog& c, const fixture_request& req, const std::vector<std::string>& seg) {
    // seg: pypi <name> json | pypi <name> <version> json  (a trailing slash adds an empty segment)
    if (!is_read(req.method)) return method_not_allowed();
    const std::string& name = seg[1];
    const auto canonical = sources::normalize_project_name(name);
    auto project = c.pypi_project(canonical);
    if (!project) return json_response(404, R"({"message": "Not Found"})");
    const bool release = seg.size() >= 4 && seg[3] == "json";
    std::optional<body> b;
    if (release) {
        b = c.pypi_release(canonical, seg[2]);
    } else {
        b = project->json;
    }
    if (!b) return json_response(404, R"({"message": "Not Found"})");
    if (name != canonical)
        return redirect("/pypi/" + canonical + (release ? "/" + seg[2] : std::string()) + "/json");
    return cached(*b, "application/json", req.if_none_match, 900,
                  {{"X-PyPI-Last-Serial", std::to_string(project->serial)}});
}

bool wants_json(std::string_view accept) { return accept.find(pep691_json) != std::string_view::npos; }

// PEP 503 HTML for one project, derived from its PEP 691 JSON page.
std::string simple_project_html(std::string_view name, const std::string& json) {
    std::string html = "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\">"
                       "<title>Links for " + std::string(name) + "</title></head><body><h1>Links for " +
                       std::string(name) + "</h1>\n";
    simdjson::dom::parser parser;
    simdjson::dom::array files;
    if (parser.parse(json)["files"].get(files) == simdjson::SUCCESS) {
        for (auto f : files) {
            std::string_view url, filename;
            if (f["url"].get(url) || f["filename"].get(filename)) continue;
            html += "<a href=\"" + std::string(url) + "\">" + std::string(filename) + "</a><br />\n";
        }
    }
    return html + "</body></html>\n";
}

fixture_response simple(const fixture_catalog& c, const fixture_request& req, const std::vector<std::string>& seg) {
    if (!is_read(req.method)) return method_not_allowed();
    const bool json = wants_json(req.accept);
    if (seg.size() == 1 || (seg.size() == 2 && seg[1].empty())) { // /simple or /simple/
        if (seg.size() == 1) return redirect("/simple/");
        const auto& b = json ? c.simple_index_json() : c.simple_index_html();
        return cached(b, json ? std::string(pep691_json) : "text/html; charset=utf-8", req.if_none_match, 600,
                      {{"X-PyPI-Last-Serial", std::to_string(c.index_serial())}, {"Vary", "Accept"}});
    }
    const std::string& name = seg[1];
    const auto canonical = sources::normalize_project_name(name);
    auto page = c.simple_project(canonical);
    if (!page) return not_found();
    const bool trailing_slash = seg.size() == 3 && seg[2].empty();
    if (name != canonical || !trailing_slash) return redirect("/simple/" + canonical + "/");
    auto project = c.pypi_project(canonical);
    const auto serial = std::to_string(project ? project->serial : 0);
    if (json) return cached(*page, std::string(pep691_json), req.if_none_match, 600, {{"X-PyPI-Last-Serial", serial}, {"Vary", "Accept"}});
    return cached(make_body(simple_project_html(canonical, *page->text)), "text/html; charset=utf-8", req.if_none_match,
                  600, {{"X-PyPI-Last-Serial", serial}, {"Vary", "Accept"}});
}

fixture_response glycosmos(const fixture_catalog& c, const fixture_request& req, urls::url_view u) {
    if (!is_read(req.method) && req.method != "POST") return method_not_allowed();
    auto id = request_param(u, req, "gtcid");
    if (!id || id->empty()) return json_response(400, R"({"message":"gtcid is required"})");
    return {200, "application/json", {}, c.gtcid2seqs(*id).text};
}

bool is_accession(std::string_view s) {
    return s.size() == 8 && s[0] == 'G' && std::all_of(s.begin() + 1, s.begin() + 6, ::isdigit) &&
           std::all_of(s.begin() + 6, s.end(), ::isupper);
}

fixture_response glygen(const fixture_catalog& c, const fixture_request& req, const std::vector<std::string>& seg) {
    if (!is_read(req.method) && req.method != "POST") return method_not_allowed();
    std::string accession = seg[2];
    std::ranges::transform(accession, accession.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (auto b = c.glygen_detail(accession)) return {200, "application/json", {}, b->text};
    // GlyGen reports every error_list as HTTP 500, unknown accessions included.
    if (!is_accession(accession))
        return json_response(500, R"({"error_list":[{"error_code":"non-existent-record"}],"reason":{"type":"invalid","description":"Invalid accession"}})");
    return json_response(500, R"({"error_list":[{"error_code":"non-existent-record"}]})");
}

} // namespace

std::string_view to_string(route_kind k) noexcept {
    switch (k) {
    case route_kind::pypi_project: return "pypi_project";
    case route_kind::pypi_release: return "pypi_release";
    case route_kind::simple_index: return "simple_index";
    case route_kind::simple_project: return "simple_project";
    case route_kind::glycosmos: return "glycosmos";
    case route_kind::glygen: return "glygen";
    case route_kind::control: return "control";
    case route_kind::unknown: return "unknown";
    }
    return "unknown";
}

route_kind classify(std::string_view target) {
    auto parsed = urls::parse_origin_form(target);
    if (!parsed) return route_kind::unknown;
    const auto seg = path_segments(*parsed);
    const auto n = seg.size();
    if (n >= 1 && seg[0] == "_fixture") return route_kind::control;
    if (n >= 3 && seg[0] == "pypi" && !seg[1].empty()) {
        if (seg[2] == "json" && (n == 3 || (n == 4 && seg[3].empty()))) return route_kind::pypi_project;
        if (n >= 4 && seg[3] == "json" && (n == 4 || (n == 5 && seg[4].empty()))) return route_kind::pypi_release;
    }
    if (n >= 1 && seg[0] == "simple") {
        if (n == 1 || (n == 2 && seg[1].empty())) return route_kind::simple_index;
        if (n <= 3 && !seg[1].empty() && (n == 2 || seg[2].empty())) return route_kind::simple_project;
    }
    if (n == 2 && seg[0] == "sparqlist" && seg[1] == "gtcid2seqs") return route_kind::glycosmos;
    if (n >= 3 && n <= 4 && seg[0] == "glycan" && seg[1] == "detail" && !seg[2].empty() && (n == 3 || seg[3].empty()))
        return route_kind::glygen;
    return route_kind::unknown;
}

fixture_response route_request(const fixture_catalog& catalog, const fixture_request& req) {
    auto parsed = urls::parse_origin_form(req.target);
    if (!parsed) return bad_request("Bad request target");
    const auto seg = path_segments(*parsed);
    switch (classify(req.target)) {
    case route_kind::pypi_project:
    case route_kind::pypi_release: return pypi_json(catalog, req, seg);
    case route_kind::simple_index:
    case route_kind::simple_project: return simple(catalog, req, seg);
    case route_kind::glycosmos: return glycosmos(catalog, req, *parsed);
    case route_kind::glygen: return glygen(catalog, req, seg);
    case route_kind::control:
    case route_kind::unknown: break;
    }
    return not_found();
}

} // namespace harvest::fixture
