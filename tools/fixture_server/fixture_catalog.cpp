#include "fixture_catalog.hpp"

#include <harvest/ascii.hpp>
#include <harvest/export/json_writer.hpp>
#include <harvest/sources/pypi/pep440.hpp>
#include <harvest/sources/pypi/pep508.hpp>
#include <harvest/sources/pypi/pypi_name.hpp>

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace harvest::fixture {
namespace fs = std::filesystem;
namespace dom = simdjson::dom;
using exporting::append_json_string;
using exporting::json_writer;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("fixture-server: cannot read " + p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

// splitmix64: a well-mixed deterministic hash of an index (same value on every machine).
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

dom::element parse_or_throw(dom::parser& parser, const std::string& text, const fs::path& p) {
    auto result = parser.parse(text);
    if (result.error())
        throw std::runtime_error("fixture-server: " + p.string() + ": not JSON: " + simdjson::error_message(result.error()));
    return result.value_unsafe();
}

std::string_view string_or(dom::element e, std::string_view fallback) {
    std::string_view s;
    return e.get(s) == simdjson::SUCCESS ? s : fallback;
}

std::optional<std::string> member_string(dom::object o, std::string_view key) {
    std::string_view s;
    if (o[key].get(s) == simdjson::SUCCESS) return std::string(s);
    return std::nullopt;
}

// PEP 691 file objects and version list derived from a JSON-API `releases` map.
void derive_simple_files(dom::object releases, std::string& files, std::string& versions) {
    json_writer fw(files);
    json_writer vw(versions);
    fw.begin_array();
    vw.begin_array();
    for (auto [version, release_files] : releases) {
        vw.value(version);
        dom::array arr;
        if (release_files.get(arr) != simdjson::SUCCESS) continue;
        for (dom::element f : arr) {
            dom::object file;
            if (f.get(file) != simdjson::SUCCESS) continue;
            fw.begin_object();
            fw.key("filename").value(string_or(file["filename"], ""));
            fw.key("url").value(string_or(file["url"], ""));
            fw.key("hashes").begin_object();
            if (auto sha = file["digests"]["sha256"]; !sha.error()) fw.key("sha256").value(string_or(sha.value_unsafe(), ""));
            else if (auto md5 = file["md5_digest"]; !md5.error()) fw.key("md5").value(string_or(md5.value_unsafe(), ""));
            fw.end_object();
            std::string_view rp;
            fw.key("requires-python");
            if (file["requires_python"].get(rp) == simdjson::SUCCESS) fw.value(rp); else fw.null();
            std::uint64_t size = 0;
            if (file["size"].get(size) == simdjson::SUCCESS) fw.key("size").value(size);
            std::string_view t;
            if (file["upload_time_iso_8601"].get(t) == simdjson::SUCCESS) fw.key("upload-time").value(t);
            else if (file["upload_time"].get(t) == simdjson::SUCCESS) fw.key("upload-time").value(std::string(t) + "Z"); // old bodies: naive UTC
            bool yanked = false;
            if (file["yanked"].get(yanked) != simdjson::SUCCESS) yanked = false;
            std::string_view reason;
            fw.key("yanked");
            if (yanked && file["yanked_reason"].get(reason) == simdjson::SUCCESS && !reason.empty()) fw.value(reason);
            else fw.value(yanked);
            fw.end_object();
        }
    }
    fw.end_array();
    vw.end_array();
}

std::string simple_project_json(std::string_view name, std::uint64_t serial, std::string_view files, std::string_view versions) {
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.key("meta").begin_object().key("_last-serial").value(serial).key("api-version").value("1.1").end_object();
    w.key("name").value(name);
    w.key("files").raw(files);
    w.key("versions").raw(versions);
    w.end_object();
    return out;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

constexpr std::uint64_t synthetic_serial_base = 30'000'000;
constexpr std::size_t synthetic_min_bytes = 2 * 1024;
constexpr std::size_t synthetic_max_bytes = 500 * 1024;

} // namespace

body make_body(std::string text) {
    char etag[24];
    std::snprintf(etag, sizeof etag, "\"%016llx\"", static_cast<unsigned long long>(fnv1a(text)));
    return body{std::make_shared<const std::string>(std::move(text)), etag};
}

std::string synthetic_pypi_name(std::string_view template_name, std::size_t i) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "-synth-%06zu", i);
    return std::string(template_name) + suffix;
}

// A real project body taken apart once, so that synthetic bodies are cheap concatenations.
struct fixture_catalog::pypi_template {
    std::string name;        // canonical
    std::string info_fields; // `"key":value,` for every info key except name and description
    std::string description; // real text that synthetic descriptions repeat
    std::string tail;        // `"releases":...,"urls":...,"vulnerabilities":...`
    std::string simple_files;
    std::string simple_versions;
};

struct fixture_catalog::glycan_record {
    std::string accession;
    std::optional<std::string> wurcs;
    std::optional<std::string> glycoct;
    std::string glygen_fields; // GlyGen detail members but "glytoucan", as an object; empty: not in GlyGen
    std::optional<body> recorded_gtcid2seqs;
};

fixture_catalog::fixture_catalog(const fs::path& root, std::size_t synthesize, std::size_t dead, pypi_json_shape shape,
                                 missing_dependencies missing)
    : synthesize_(synthesize), dead_(dead), shape_(shape) {
    if (!fs::is_directory(root))
        throw std::runtime_error("fixture-server: fixture directory not found: " + root.string());
    load_pypi(root / "pypi");
    if (missing == missing_dependencies::stand_ins) add_dependency_stand_ins();
    build_simple_index();
    load_glycans(root / "glycan");
}

fixture_catalog::~fixture_catalog() = default;

void fixture_catalog::load_pypi(const fs::path& dir) {
    dom::parser parser;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::ranges::sort(files);
    for (const auto& path : files) {
        std::string text = read_file(path);
        dom::object doc;
        if (parse_or_throw(parser, text, path).get(doc) != simdjson::SUCCESS)
            throw std::runtime_error("fixture-server: " + path.string() + ": expected a JSON object");
        dom::object info;
        if (doc["info"].get(info) != simdjson::SUCCESS)
            throw std::runtime_error("fixture-server: " + path.string() + ": no \"info\" object");
        const std::string name(string_or(info["name"], path.stem().string()));
        const std::string canonical = sources::normalize_project_name(name);
        std::uint64_t serial = 0;
        if (doc["last_serial"].get(serial) != simdjson::SUCCESS || serial == 0)
            serial = 1'000'000 + fnv1a(canonical) % 9'000'000; // old bodies carry none

        pypi_template t;
        t.name = canonical;
        for (auto [key, value] : info) {
            if (key == "name" || key == "description") continue;
            append_json_string(t.info_fields, key);
            t.info_fields += ':' + simdjson::minify(value) + ',';
        }
        t.description = std::string(string_or(info["description"], ""));
        if (t.description.size() < 64) t.description = std::string(string_or(info["summary"], name)) + "\n\n";
        const bool keep_releases = shape_ == pypi_json_shape::recorded;
        for (std::string_view key : {"releases", "urls", "vulnerabilities"}) {
            auto v = doc[key];
            if (v.error() || (key == "releases" && !keep_releases)) continue;
            if (!t.tail.empty()) t.tail += ',';
            append_json_string(t.tail, key);
            t.tail += ':' + simdjson::minify(v.value_unsafe());
        }
        dom::object releases;
        if (doc["releases"].get(releases) == simdjson::SUCCESS) derive_simple_files(releases, t.simple_files, t.simple_versions);
        else { t.simple_files = "[]"; t.simple_versions = "[]"; }

        if (!keep_releases && !doc["releases"].error()) { // every member as recorded but `releases`
            std::string without = "{";
            for (auto [key, value] : doc) {
                if (key == "releases") continue;
                if (without.size() > 1) without += ',';
                append_json_string(without, key);
                without += ':' + simdjson::minify(value);
            }
            text = without + "}";
        }
        auto& project = projects_[canonical];
        project.view = pypi_project_view{name, serial, make_body(std::move(text))};
        project.simple = make_body(simple_project_json(canonical, serial, t.simple_files, t.simple_versions));
        templates_.push_back(std::move(t));
    }

    // /pypi/<name>/<version>/json bodies, in release/<name>/<version>.json
    if (fs::is_directory(dir / "release")) {
        for (const auto& project_dir : fs::directory_iterator(dir / "release")) {
            if (!project_dir.is_directory()) continue;
            const auto canonical = sources::normalize_project_name(project_dir.path().filename().string());
            auto& project = projects_[canonical];
            std::map<std::string, std::string> files_by_version; // for a project known only by releases: its PEP 691 page
            for (const auto& f : fs::directory_iterator(project_dir.path())) {
                if (f.path().extension() != ".json") continue;
                std::string text = read_file(f.path());
                dom::object doc;
                if (parse_or_throw(parser, text, f.path()).get(doc) != simdjson::SUCCESS)
                    throw std::runtime_error("fixture-server: " + f.path().string() + ": expected a JSON object");
                if (project.view.name.empty()) {
                    project.view.name = std::string(string_or(doc["info"]["name"], canonical));
                    project.view.serial = 1'000'000 + fnv1a(canonical) % 9'000'000;
                }
                if (dom::array urls; doc["urls"].get(urls) == simdjson::SUCCESS) files_by_version[f.path().stem().string()] = simdjson::minify(urls);
                project.releases.emplace(f.path().stem().string(), make_body(std::move(text)));
            }
            if (!project.simple) { // the release bodies' own files (`urls`), as the index would list them
                std::string releases = "{";
                for (const auto& [version, files] : files_by_version) {
                    if (releases.size() > 1) releases += ',';
                    append_json_string(releases, version);
                    releases += ':' + files;
                }
                releases += '}';
                std::string files, versions;
                derive_simple_files(parser.parse(releases).get_object().value(), files, versions);
                project.simple = make_body(simple_project_json(canonical, project.view.serial, files, versions));
            }
        }
    }

    // Recorded PEP 691 project pages replace derived ones.
    if (fs::is_directory(dir / "simple")) {
        for (const auto& f : fs::directory_iterator(dir / "simple")) {
            if (f.path().extension() != ".json") continue;
            std::string text = read_file(f.path());
            dom::object doc;
            if (parse_or_throw(parser, text, f.path()).get(doc) != simdjson::SUCCESS) continue;
            std::string_view name;
            if (doc["name"].get(name) != simdjson::SUCCESS) continue; // the root index example has none
            const auto canonical = sources::normalize_project_name(name);
            auto& project = projects_[canonical];
            if (project.view.name.empty()) {
                project.view.name = std::string(name);
                std::uint64_t serial = 0;
                if (doc["meta"]["_last-serial"].get(serial) != simdjson::SUCCESS || serial == 0)
                    serial = 1'000'000 + fnv1a(canonical) % 9'000'000;
                project.view.serial = serial;
            }
            project.simple = make_body(std::move(text));
        }
    }
    if (templates_.empty() && synthesize_ > 0)
        throw std::runtime_error("fixture-server: no PyPI project bodies to synthesize from in " + dir.string());
}

void fixture_catalog::add_dependency_stand_ins() {
    // Every version a requirement names, the next patch release after it, and 0.1 and 99.0:
    // releases on both sides of every bound, so each specifier has a newest match to find.
    std::map<std::string, std::set<std::string>> versions; // stand-in -> versions
    dom::parser parser;
    for (const auto& [canonical, project] : projects_) {
        if (!project.view.json) continue;
        dom::array requires_dist;
        if (parser.parse(*project.view.json->text)["info"]["requires_dist"].get(requires_dist) != simdjson::SUCCESS) continue;
        for (auto r : requires_dist) {
            std::string_view text;
            if (r.get(text) != simdjson::SUCCESS) continue;
            const auto requirement = sources::parse_requirement(text);
            if (!requirement) continue;
            const auto name = sources::normalize_project_name(requirement->name);
            if (projects_.contains(name)) continue;
            auto& known = versions[name];
            known.insert({"0.1", "99.0"});
            static const std::regex literal(R"([0-9]+(\.[0-9]+)*)");
            for (std::sregex_iterator it(requirement->specifier.begin(), requirement->specifier.end(), literal), end; it != end; ++it) {
                auto v = it->str();
                known.insert(v);
                const auto dot = v.rfind('.');
                known.insert(dot == std::string::npos ? v + ".1" : v.substr(0, dot + 1) + std::to_string(std::stoull(v.substr(dot + 1)) + 1));
            }
        }
    }
    for (const auto& [name, set] : versions) {
        std::vector<std::string> ordered(set.begin(), set.end());
        std::sort(ordered.begin(), ordered.end(), [](const std::string& a, const std::string& b) {
            return *sources::pep440_version::parse(a) < *sources::pep440_version::parse(b);
        });
        std::string body = "{\"info\":{\"name\":";
        append_json_string(body, name);
        body += ",\"version\":";
        append_json_string(body, ordered.back());
        body += ",\"summary\":\"A stand-in for a dependency no body was recorded for\",\"requires_dist\":null},\"releases\":{";
        for (std::size_t i = 0; i < ordered.size(); ++i) {
            char when[32];
            std::snprintf(when, sizeof when, "20%02zu-01-01T00:00:00.000000Z", i % 100);
            body += (i ? "," : "");
            append_json_string(body, ordered[i]);
            const auto filename = name + "-" + ordered[i] + ".tar.gz";
            body += ":[{\"filename\":";
            append_json_string(body, filename);
            body += ",\"url\":";
            append_json_string(body, "https://files.pythonhosted.org/packages/stand-in/" + filename);
            body += ",\"upload_time_iso_8601\":\"" + std::string(when) + "\",\"size\":1000}]";
        }
        body += "},\"urls\":[]}";
        dom::object releases = parser.parse(body)["releases"].get_object().value();
        std::string files, listed;
        derive_simple_files(releases, files, listed);
        const std::uint64_t serial = 1'000'000 + fnv1a(name) % 9'000'000;
        if (shape_ == pypi_json_shape::without_releases) body = body.substr(0, body.find(",\"releases\"")) + ",\"urls\":[]}";
        auto& project = projects_[name];
        for (const auto& [version, release_files] : releases) { // /pypi/<name>/<version>/json: that release's info and files
            std::string release = "{\"info\":{\"name\":";
            append_json_string(release, name);
            release += ",\"version\":";
            append_json_string(release, version);
            release += ",\"requires_dist\":null},\"urls\":" + simdjson::minify(release_files) + "}";
            project.releases.emplace(std::string(version), make_body(std::move(release)));
        }
        project.view = pypi_project_view{name, serial, make_body(std::move(body))};
        project.simple = make_body(simple_project_json(name, serial, files, listed));
    }
    build_simple_index();
}

void fixture_catalog::build_simple_index() {
    std::string json;
    std::string html = "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\">"
                       "<title>Simple index</title></head><body>\n";
    index_serial_ = 0;
    json_writer w(json);
    w.begin_object();
    std::string projects;
    json_writer pw(projects);
    pw.begin_array();
    auto add = [&](std::string_view name, std::uint64_t serial) {
        pw.begin_object().key("_last-serial").value(serial).key("name").value(name).end_object();
        html += "<a href=\"/simple/" + sources::normalize_project_name(name) + "/\">" + std::string(name) + "</a>\n";
        index_serial_ = std::max(index_serial_, serial);
    };
    // Listed: the projects whose JSON body was recorded (the others answer only some routes).
    for (const auto& [canonical, project] : projects_)
        if (project.view.json) add(project.view.name, project.view.serial);
    for (std::size_t i = 0; i < synthesize_; ++i)
        add(synthetic_pypi_name(templates_[i % templates_.size()].name, i), synthetic_serial(i));
    for (std::size_t i = 0; i < dead_; ++i) {
        char name[48];
        std::snprintf(name, sizeof name, "dead-project-%06zu", i);
        add(name, 1000 + i); // listed, never released: its JSON is the router's 404
    }
    pw.end_array();
    w.key("meta").begin_object().key("_last-serial").value(index_serial_).key("api-version").value("1.1").end_object();
    w.key("projects").raw(projects);
    w.end_object();
    html += "</body></html>\n";
    simple_index_json_ = make_body(std::move(json));
    simple_index_html_ = make_body(std::move(html));
}

std::optional<std::size_t> fixture_catalog::synthetic_pypi_index(std::string_view canonical) const {
    constexpr std::string_view marker = "-synth-";
    const auto pos = canonical.rfind(marker);
    if (pos == std::string_view::npos || templates_.empty()) return std::nullopt;
    const auto digits = canonical.substr(pos + marker.size());
    if (digits.size() != 6 || !std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const std::size_t i = std::stoul(std::string(digits));
    if (i >= synthesize_ || templates_[i % templates_.size()].name != canonical.substr(0, pos)) return std::nullopt;
    return i;
}

std::string fixture_catalog::synthetic_pypi_json(std::size_t i) const {
    const auto& t = templates_[i % templates_.size()];
    const auto name = synthetic_pypi_name(t.name, i);
    // Log-uniform target size between 2 KB and 500 KB, as real project bodies spread.
    const double u = static_cast<double>(mix(i) >> 11) / static_cast<double>(1ull << 53);
    const auto target = static_cast<std::size_t>(
        static_cast<double>(synthetic_min_bytes) *
        std::pow(static_cast<double>(synthetic_max_bytes) / synthetic_min_bytes, u));
    std::string out = "{\"info\":{\"name\":";
    append_json_string(out, name);
    out += ',';
    out += t.info_fields;
    const std::size_t fixed = out.size() + t.tail.size() + 64;
    std::string description;
    while (fixed + description.size() < target) description += t.description;
    if (fixed + description.size() > target && description.size() > t.description.size())
        description.resize(target - fixed); // json escaping repairs any split UTF-8 sequence
    out += "\"description\":";
    append_json_string(out, description);
    out += "},\"last_serial\":" + std::to_string(synthetic_serial(i)) + ',';
    out += t.tail;
    out += '}';
    return out;
}

std::uint64_t fixture_catalog::synthetic_serial(std::size_t i) const {
    auto it = synthetic_bumps_.find(i);
    return it == synthetic_bumps_.end() ? synthetic_serial_base + i : it->second;
}

std::optional<std::uint64_t> fixture_catalog::bump_pypi(std::string_view canonical) {
    const auto serial = index_serial_ + 1;
    if (auto it = projects_.find(canonical); it != projects_.end() && it->second.view.json) {
        auto& view = it->second.view;
        std::string text = *view.json->text;
        const std::string new_field = "\"last_serial\":" + std::to_string(serial);
        static const std::regex field(R"re("last_serial"\s*:\s*[0-9]+)re");
        if (std::regex_search(text, field)) text = std::regex_replace(text, field, new_field);
        else text.insert(1, new_field + ","); // old bodies carry none: the body must change with the serial
        view.serial = serial;
        view.json = make_body(std::move(text));
    } else if (auto i = synthetic_pypi_index(canonical)) {
        synthetic_bumps_[*i] = serial;
    } else {
        return std::nullopt;
    }
    build_simple_index();
    return serial;
}

std::optional<pypi_project_view> fixture_catalog::pypi_project(std::string_view canonical) const {
    if (auto it = projects_.find(canonical); it != projects_.end()) return it->second.view;
    if (auto i = synthetic_pypi_index(canonical)) {
        const auto& t = templates_[*i % templates_.size()];
        return pypi_project_view{synthetic_pypi_name(t.name, *i), synthetic_serial(*i),
                                 make_body(synthetic_pypi_json(*i))};
    }
    return std::nullopt;
}

std::optional<body> fixture_catalog::pypi_release(std::string_view canonical, std::string_view version) const {
    auto it = projects_.find(canonical);
    if (it == projects_.end()) return std::nullopt;
    auto r = it->second.releases.find(version);
    if (r == it->second.releases.end()) return std::nullopt;
    return r->second;
}

std::optional<body> fixture_catalog::simple_project(std::string_view canonical) const {
    if (auto it = projects_.find(canonical); it != projects_.end()) return it->second.simple;
    if (auto i = synthetic_pypi_index(canonical)) {
        const auto& t = templates_[*i % templates_.size()];
        return make_body(simple_project_json(canonical, synthetic_serial(*i), t.simple_files, t.simple_versions));
    }
    return std::nullopt;
}

void fixture_catalog::load_glycans(const fs::path& dir) {
    std::set<std::string, std::less<>> archived;
    {
        std::istringstream lines(read_file(dir / "accessions" / "glytoucan_archived.txt"));
        for (std::string line; std::getline(lines, line);)
            if (!line.empty() && line != "accession") archived.insert(line);
    }
    dom::parser parser;
    {
        const auto path = dir / "glycans.jsonl";
        std::istringstream lines(read_file(path));
        for (std::string line; std::getline(lines, line);) {
            if (line.empty()) continue;
            dom::object o;
            if (parse_or_throw(parser, line, path).get(o) != simdjson::SUCCESS) continue;
            glycan_record r;
            r.accession = std::string(string_or(o["accession"], ""));
            if (r.accession.empty()) continue;
            r.wurcs = member_string(o, "wurcs");
            r.glycoct = member_string(o, "glycoct");
            std::string m;
            json_writer w(m);
            w.begin_object();
            bool in_glygen = false;
            if (auto v = o["mass"]; !v.error()) { w.key("mass").raw(simdjson::minify(v.value_unsafe())); in_glygen = true; }
            if (auto v = o["mass_pme"]; !v.error()) w.key("mass_pme").raw(simdjson::minify(v.value_unsafe()));
            if (auto v = member_string(o, "iupac_extended")) { w.key("iupac").value(*v); in_glygen = true; }
            if (r.wurcs) { w.key("wurcs").value(*r.wurcs); in_glygen = true; }
            if (r.glycoct) { w.key("glycoct").value(*r.glycoct); in_glygen = true; }
            if (auto v = member_string(o, "glycam")) w.key("glycam").value(*v);
            if (auto v = o["inchi_key"]; !v.error()) w.key("inchi_key").raw(simdjson::minify(v.value_unsafe()));
            dom::object comp;
            if (o["monosaccharide_composition"].get(comp) == simdjson::SUCCESS) {
                w.key("composition").begin_array();
                for (auto [residue, count] : comp) {
                    std::int64_t n = 0;
                    if (residue == "Count" || count.get(n) != simdjson::SUCCESS) continue;
                    w.begin_object().key("residue").value(ascii_lower(residue)).key("count").value(n).end_object();
                }
                w.end_array();
            }
            w.end_object();
            if (in_glygen) r.glygen_fields = std::move(m);
            auto acc = r.accession;
            glycans_.emplace(std::move(acc), std::move(r));
        }
    }
    // Recorded GlyCosmos gtcid2seqs bodies are served as they are.
    for (const auto& f : fs::directory_iterator(dir / "glycosmos" / "sparqlist" / "gtcid2seqs")) {
        const auto accession = f.path().stem().string().substr(0, 8);
        std::string text = read_file(f.path());
        dom::array arr;
        if (parse_or_throw(parser, text, f.path()).get(arr) != simdjson::SUCCESS) continue;
        auto& r = glycans_[accession];
        r.accession = accession;
        for (dom::element e : arr) {
            dom::object o;
            if (e.get(o) != simdjson::SUCCESS) continue;
            if (auto w = member_string(o, "wurcs"); w && !r.wurcs) r.wurcs = w;
            if (auto g = member_string(o, "glycoct"); g && !r.glycoct) r.glycoct = g;
        }
        r.recorded_gtcid2seqs = make_body(std::move(text));
    }
    // The one complete recorded GlyGen detail body.
    for (const auto& f : fs::directory_iterator(dir / "glygen" / "glycan_detail")) {
        glygen_full_accession_ = f.path().stem().string();
        glygen_full_body_ = make_body(read_file(f.path()));
    }

    for (const auto& [accession, r] : glycans_) {
        if (!archived.contains(accession)) glycan_accessions_.push_back(accession);
        if (r.wurcs) glycan_templates_.push_back(&r);
    }
    if (synthesize_ > 0 && glycan_templates_.empty())
        throw std::runtime_error("fixture-server: no glycan with WURCS to synthesize from in " + dir.string());

    // Synthesized accessions: real enumerated accessions first, then made-up ones of the real
    // form (G + 5 digits + 2 letters) that collide with nothing real.
    std::istringstream enumerated(read_file(dir / "accessions" / "glytoucan_allacc.head1000.txt"));
    std::size_t made_up = 0;
    for (std::size_t i = 0; i < synthesize_; ++i) {
        std::string accession;
        while (accession.empty() && std::getline(enumerated, accession))
            if (glycans_.contains(accession) || archived.contains(accession)) accession.clear();
        while (accession.empty()) {
            char buf[16];
            const std::size_t k = made_up++;
            std::snprintf(buf, sizeof buf, "G%05zu%c%c", 99999 - k % 100000, static_cast<char>('Z' - (k / 100000) % 26),
                          static_cast<char>('Z' - (k / 2600000) % 26));
            accession = buf;
            if (glycans_.contains(accession) || archived.contains(accession) || synthetic_glycans_.contains(accession))
                accession.clear();
        }
        synthetic_glycans_.emplace(accession, i);
        glycan_accessions_.push_back(std::move(accession));
    }
    std::ranges::sort(glycan_accessions_);
}

const fixture_catalog::glycan_record* fixture_catalog::find_glycan(std::string_view accession) const {
    if (auto it = glycans_.find(accession); it != glycans_.end()) return &it->second;
    if (auto it = synthetic_glycans_.find(accession); it != synthetic_glycans_.end())
        return glycan_templates_[it->second % glycan_templates_.size()];
    return nullptr;
}

std::optional<std::string> fixture_catalog::glycan_wurcs(std::string_view accession) const {
    const auto* r = find_glycan(accession);
    return r ? r->wurcs : std::nullopt;
}

body fixture_catalog::gtcid2seqs(std::string_view accession) const {
    const auto* r = find_glycan(accession);
    const bool synthetic = synthetic_glycans_.contains(accession);
    if (r && r->recorded_gtcid2seqs && !synthetic) return *r->recorded_gtcid2seqs;
    std::string out;
    json_writer w(out);
    w.begin_array();
    if (r && r->wurcs) w.begin_object().key("id").value(accession).key("wurcs").value(*r->wurcs).end_object();
    if (r && r->glycoct) w.begin_object().key("id").value(accession).key("glycoct").value(*r->glycoct).end_object();
    w.end_array();
    return make_body(std::move(out));
}

std::optional<body> fixture_catalog::glygen_detail(std::string_view accession) const {
    const auto* r = find_glycan(accession);
    if (!r) return std::nullopt;
    const auto synthetic = synthetic_glycans_.find(accession);
    // Every tenth synthesized glycan is missing from GlyGen, as real GlyTouCan entries can be.
    if (synthetic != synthetic_glycans_.end() && synthetic->second % 10 == 9) return std::nullopt;
    if (r->accession == glygen_full_accession_ && glygen_full_body_) {
        if (synthetic == synthetic_glycans_.end()) return glygen_full_body_;
        return make_body(replace_all(*glygen_full_body_->text, glygen_full_accession_, accession));
    }
    if (r->glygen_fields.empty()) return std::nullopt;
    std::string out = "{\"glytoucan\":";
    json_writer w(out);
    w.begin_object().key("glytoucan_ac").value(accession)
        .key("glytoucan_url").value("https://glytoucan.org/Structures/Glycans/" + std::string(accession)).end_object();
    out += ',';
    out += std::string_view(r->glygen_fields).substr(1); // the other members, after the opening brace
    return make_body(std::move(out));
}

} // namespace harvest::fixture
