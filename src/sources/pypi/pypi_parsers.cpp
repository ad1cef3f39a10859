#include <harvest/sources/pypi/pypi_parsers.hpp>

#include <harvest/sources/json_fields.hpp>
#include <harvest/sources/pypi/pypi_name.hpp>

#include <algorithm>
#include <cctype>

namespace harvest::sources {
namespace ondemand = simdjson::ondemand;

namespace {

constexpr std::string_view what = "PyPI JSON";

std::string not_json(simdjson::error_code e) {
    return std::string(what) + ": malformed JSON (" + simdjson::error_message(e) + ")";
}

bool is_null(ondemand::value& v) {
    ondemand::json_type t;
    return v.type().get(t) == simdjson::SUCCESS && t == ondemand::json_type::null;
}

// A JSON array of strings (null -> empty); false on any other shape.
bool read_string_list(ondemand::value v, std::vector<std::string>& out) {
    out.clear();
    if (is_null(v)) return true;
    ondemand::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return false;
    for (auto element : arr) {
        std::string_view s;
        if (element.get_string().get(s) != simdjson::SUCCESS) return false;
        out.emplace_back(s);
    }
    return true;
}

std::string parse_info(ondemand::object info, bool with_description, pypi_record& r, std::optional<std::string>& license_text,
                       std::optional<std::string>& license_expression) {
    for (auto field : info) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return not_json(e);
        ondemand::value v;
        if (auto e = field.value().get(v)) return not_json(e);
        auto string_field = [&](std::optional<std::string>& out) {
            return read_string(v, out) ? std::string() : field_error(what, "info." + std::string(key), "a string or null");
        };
        auto list_field = [&](std::vector<std::string>& out) {
            return read_string_list(v, out) ? std::string() : field_error(what, "info." + std::string(key), "an array of strings or null");
        };
        std::string error;
        if (key == "name" || key == "version") {
            std::optional<std::string> s;
            error = string_field(s);
            if (error.empty() && s) (key == "name" ? r.name : r.version) = std::move(*s);
        } else if (key == "summary") error = string_field(r.summary);
        else if (key == "license") error = string_field(license_text);
        else if (key == "license_expression") error = string_field(license_expression);
        else if (key == "requires_python") error = string_field(r.requires_python);
        else if (key == "keywords") error = string_field(r.keywords);
        else if (key == "author") error = string_field(r.author);
        else if (key == "maintainer") error = string_field(r.maintainer);
        else if (key == "home_page") error = string_field(r.home_page);
        else if (key == "yanked_reason") error = string_field(r.yanked_reason);
        else if (key == "description" && with_description) error = string_field(r.description);
        else if (key == "requires_dist") error = list_field(r.requires_dist);
        else if (key == "provides_extra") error = list_field(r.provides_extra);
        else if (key == "classifiers") error = list_field(r.classifiers);
        else if (key == "yanked") {
            if (!read_bool(v, r.yanked)) error = field_error(what, "info.yanked", "a boolean");
        } else if (key == "project_urls") {
            r.project_urls.clear();
            if (is_null(v)) continue;
            ondemand::object urls;
            if (v.get_object().get(urls) != simdjson::SUCCESS) return field_error(what, "info.project_urls", "an object or null");
            for (auto u : urls) {
                std::string_view label, url;
                if (u.unescaped_key().get(label) != simdjson::SUCCESS) return not_json(simdjson::TAPE_ERROR);
                std::string label_copy(label); // the next string read reuses the parser's buffer
                if (u.value().get_string().get(url) != simdjson::SUCCESS)
                    return field_error(what, "info.project_urls." + label_copy, "a string");
                r.project_urls.emplace_back(std::move(label_copy), std::string(url));
            }
        }
        if (!error.empty()) return error;
    }
    return {};
}

struct release_info {
    std::string version;
    std::optional<std::string> first_upload;
    std::size_t order = 0;
};

// Versions by first upload; those without an upload time (no files) last, in listed order.
void order_by_first_upload(std::vector<release_info>& releases) {
    std::stable_sort(releases.begin(), releases.end(), [](const release_info& a, const release_info& b) {
        if (a.first_upload && b.first_upload) return *a.first_upload < *b.first_upload;
        return a.first_upload.has_value() && !b.first_upload.has_value();
    });
}

// Reads one file list (a release's files, or `urls`): earliest and latest upload times.
std::string scan_files(ondemand::value v, std::string_view field, std::optional<std::string>& first, std::optional<std::string>& latest) {
    if (is_null(v)) return {};
    ondemand::array files;
    if (v.get_array().get(files) != simdjson::SUCCESS) return field_error(what, field, "an array of files");
    for (auto f : files) {
        ondemand::object file;
        if (f.get_object().get(file) != simdjson::SUCCESS) return field_error(what, field, "an array of file objects");
        std::optional<std::string> iso, plain;
        for (auto attr : file) {
            std::string_view k;
            if (attr.unescaped_key().get(k) != simdjson::SUCCESS) return not_json(simdjson::TAPE_ERROR);
            if (k == "upload_time_iso_8601" && !read_string(attr.value(), iso)) return field_error(what, std::string(field) + "[].upload_time_iso_8601", "a string");
            if (k == "upload_time" && !read_string(attr.value(), plain)) return field_error(what, std::string(field) + "[].upload_time", "a string");
        }
        // Both forms start "YYYY-MM-DDTHH:MM:SS", so they compare as strings; the plain one is
        // PyPI's UTC without a zone, said as the index API says every upload time.
        std::optional<std::string> when = iso ? iso : plain ? std::optional(*plain + "Z") : std::nullopt;
        if (!when) continue;
        if (!first || *when < *first) first = *when;
        if (!latest || *when > *latest) latest = *when;
    }
    return {};
}

} // namespace

std::string parse_pypi_project(ondemand::parser& parser, std::string& body, bool with_description, pypi_record& out) {
    ondemand::document doc;
    if (auto e = parser.iterate(padded(body)).get(doc)) return not_json(e);
    ondemand::object obj;
    if (auto e = doc.get_object().get(obj)) return e == simdjson::INCORRECT_TYPE ? std::string(what) + ": expected a JSON object" : not_json(e);
    pypi_record r;
    r.last_serial = out.last_serial; // the header's value, unless the body has one
    std::optional<std::string> license_text, license_expression;
    bool has_info = false;
    std::vector<release_info> releases;
    std::optional<std::string> latest;
    for (auto field : obj) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return not_json(e);
        ondemand::value v;
        if (auto e = field.value().get(v)) return not_json(e);
        if (key == "info") {
            ondemand::object info;
            if (v.get_object().get(info) != simdjson::SUCCESS) return field_error(what, "info", "an object");
            if (auto error = parse_info(info, with_description, r, license_text, license_expression); !error.empty()) return error;
            has_info = true;
        } else if (key == "last_serial") {
            std::optional<std::int64_t> serial;
            if (!read_int(v, serial) || (serial && *serial < 0)) return field_error(what, "last_serial", "a non-negative integer");
            if (serial && *serial > 0) r.last_serial = static_cast<std::uint64_t>(*serial); // poetry's fixtures zero it
        } else if (key == "releases") {
            if (is_null(v)) continue;
            r.versions_from = "json_api";
            ondemand::object rel;
            if (v.get_object().get(rel) != simdjson::SUCCESS) return field_error(what, "releases", "an object");
            for (auto release : rel) {
                std::string_view version;
                if (release.unescaped_key().get(version) != simdjson::SUCCESS) return not_json(simdjson::TAPE_ERROR);
                release_info info{std::string(version), std::nullopt, releases.size()};
                if (auto error = scan_files(release.value(), "releases." + info.version, info.first_upload, latest); !error.empty()) return error;
                releases.push_back(std::move(info));
            }
        } else if (key == "urls") {
            std::optional<std::string> first;
            if (auto error = scan_files(v, "urls", first, latest); !error.empty()) return error;
        } else if (key == "vulnerabilities") {
            if (is_null(v)) continue;
            ondemand::array vulns;
            if (v.get_array().get(vulns) != simdjson::SUCCESS) return field_error(what, "vulnerabilities", "an array");
            std::size_t n = 0;
            for (auto vuln : vulns) {
                if (vuln.error()) return not_json(vuln.error());
                ++n;
            }
            r.vulnerability_count = n;
        }
    }
    if (!has_info || r.name.empty()) return field_error(what, "info.name", "a project name");
    r.license = license_expression && !license_expression->empty() ? license_expression : license_text;
    order_by_first_upload(releases);
    if (!r.versions_from.empty()) {
        for (auto& rel : releases) r.versions.push_back(std::move(rel.version));
        r.release_count = r.versions.size();
        r.latest_upload = std::move(latest);
    }
    out = std::move(r);
    return {};
}

namespace {

constexpr std::string_view simple_what = "PEP 691 project page";

// The version among `versions` that `filename` carries after the project's name (the longest
// that fits: "1.0.1" over "1.0"), or nullptr.
const std::string* file_version(std::string_view filename, std::string_view canonical, const std::vector<std::string>& versions) {
    for (auto dash = filename.find('-'); dash != std::string_view::npos; dash = filename.find('-', dash + 1)) {
        if (normalize_project_name(filename.substr(0, dash)) != canonical) continue;
        const auto rest = filename.substr(dash + 1);
        const std::string* best = nullptr;
        for (const auto& v : versions)
            if (rest.starts_with(v) && (rest.size() == v.size() || rest[v.size()] == '-' || rest[v.size()] == '.') && (!best || v.size() > best->size()))
                best = &v;
        if (best) return best;
    }
    return nullptr;
}

} // namespace

std::string parse_simple_project(ondemand::parser& parser, std::string& body, pypi_record& out) {
    auto malformed = [](simdjson::error_code e) { return std::string(simple_what) + ": malformed JSON (" + simdjson::error_message(e) + ")"; };
    ondemand::document doc;
    if (auto e = parser.iterate(padded(body)).get(doc)) return malformed(e);
    ondemand::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) return std::string(simple_what) + ": expected a JSON object";
    struct file_time {
        std::string filename, upload_time;
    };
    std::vector<file_time> files;
    std::vector<std::string> versions;
    std::optional<std::string> status;
    bool has_versions = false;
    for (auto field : obj) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return malformed(e);
        ondemand::value v;
        if (auto e = field.value().get(v)) return malformed(e);
        if (key == "versions") {
            if (!read_string_list(v, versions)) return field_error(simple_what, "versions", "an array of strings");
            has_versions = true;
        } else if (key == "project-status") {
            ondemand::object s;
            if (v.get_object().get(s) != simdjson::SUCCESS) return field_error(simple_what, "project-status", "an object");
            for (auto sf : s) {
                std::string_view k;
                if (sf.unescaped_key().get(k) != simdjson::SUCCESS) return malformed(simdjson::TAPE_ERROR);
                if (k == "status" && !read_string(sf.value(), status)) return field_error(simple_what, "project-status.status", "a string");
            }
        } else if (key == "files") {
            ondemand::array arr;
            if (v.get_array().get(arr) != simdjson::SUCCESS) return field_error(simple_what, "files", "an array");
            for (auto f : arr) {
                ondemand::object file;
                if (f.get_object().get(file) != simdjson::SUCCESS) return field_error(simple_what, "files", "an array of file objects");
                std::optional<std::string> filename, uploaded;
                for (auto attr : file) {
                    std::string_view k;
                    if (attr.unescaped_key().get(k) != simdjson::SUCCESS) return malformed(simdjson::TAPE_ERROR);
                    if (k == "filename" && !read_string(attr.value(), filename)) return field_error(simple_what, "files[].filename", "a string");
                    if (k == "upload-time" && !read_string(attr.value(), uploaded)) return field_error(simple_what, "files[].upload-time", "a string");
                }
                if (filename) files.push_back({std::move(*filename), uploaded.value_or("")});
            }
        }
    }
    // PEP 700 (api-version 1.1) added `versions`; an older page has none to order.
    if (!has_versions) return field_error(simple_what, "versions", "an array (PEP 700, api-version 1.1 or later)");
    const auto canonical = normalize_project_name(out.name);
    std::vector<release_info> releases;
    for (std::size_t i = 0; i < versions.size(); ++i) releases.push_back({versions[i], std::nullopt, i});
    std::optional<std::string> latest;
    for (const auto& f : files) {
        if (f.upload_time.empty()) continue;
        if (!latest || f.upload_time > *latest) latest = f.upload_time;
        const auto* v = file_version(f.filename, canonical, versions);
        if (!v) continue;
        auto& rel = releases[static_cast<std::size_t>(v - versions.data())];
        if (!rel.first_upload || f.upload_time < *rel.first_upload) rel.first_upload = f.upload_time;
    }
    order_by_first_upload(releases);
    out.versions.clear();
    for (auto& rel : releases) out.versions.push_back(std::move(rel.version));
    out.release_count = out.versions.size();
    out.latest_upload = std::move(latest);
    out.project_status = std::move(status);
    out.versions_from = "index_api";
    return {};
}

namespace {

constexpr std::string_view index_what = "PEP 691 index";

// One {"name": ..., "_last-serial": ...} entry; false when it has no name.
bool read_index_entry(ondemand::object o, index_entry& entry) {
    std::optional<std::int64_t> serial;
    for (auto f : o) {
        std::string_view k;
        if (f.unescaped_key().get(k) != simdjson::SUCCESS) return false;
        std::optional<std::string> name;
        if (k == "name" && read_string(f.value(), name) && name) entry.name = std::move(*name);
        else if (k == "_last-serial" && read_int(f.value(), serial) && serial && *serial >= 0)
            entry.last_serial = static_cast<std::uint64_t>(*serial);
    }
    return !entry.name.empty();
}

constexpr std::size_t max_index_entry = 64 * 1024;

} // namespace

std::string parse_simple_index(ondemand::parser& parser, std::string& body, std::vector<index_entry>& out, std::size_t& skipped) {
    ondemand::document doc;
    if (auto e = parser.iterate(padded(body)).get(doc)) return std::string(index_what) + ": malformed JSON (" + simdjson::error_message(e) + ")";
    ondemand::array projects;
    if (doc["projects"].get_array().get(projects) != simdjson::SUCCESS) return field_error(index_what, "projects", "an array");
    std::vector<index_entry> entries;
    std::size_t bad = 0;
    for (auto p : projects) {
        ondemand::object o;
        index_entry entry;
        // The warehouse docs' own example holds a bare string; such entries are skipped.
        if (p.get_object().get(o) != simdjson::SUCCESS || !read_index_entry(o, entry)) {
            ++bad;
            continue;
        }
        entries.push_back(std::move(entry));
    }
    out = std::move(entries);
    skipped = bad;
    return {};
}

void simple_index_stream::reset() {
    depth_ = 0;
    in_string_ = escape_ = key_is_projects_ = in_projects_ = projects_done_ = in_element_ = element_is_object_ = false;
    last_string_.clear();
    element_.clear();
    entries_ = skipped_ = 0;
}

std::string simple_index_stream::take_element() {
    if (element_is_object_) {
        ondemand::document doc;
        ondemand::object o;
        index_entry entry;
        if (parser_.iterate(padded(element_)).get(doc) == simdjson::SUCCESS && doc.get_object().get(o) == simdjson::SUCCESS &&
            read_index_entry(o, entry)) {
            ++entries_;
            on_entry_(std::move(entry));
        } else {
            ++skipped_;
        }
    } else {
        ++skipped_;
    }
    element_.clear();
    in_element_ = element_is_object_ = false;
    return {};
}

std::string simple_index_stream::feed(std::string_view piece) {
    for (const char c : piece) {
        const bool capturing = in_projects_ && in_element_ && element_is_object_;
        if (capturing) {
            element_.push_back(c);
            if (element_.size() > max_index_entry)
                return std::string(index_what) + ": a project entry is larger than " + std::to_string(max_index_entry) + " bytes";
        }
        if (in_string_) {
            if (escape_) escape_ = false;
            else if (c == '\\') escape_ = true;
            else if (c == '"') in_string_ = false;
            else if (depth_ == 1 && last_string_.size() < 16) last_string_.push_back(c);
            continue;
        }
        switch (c) {
        case '"':
            in_string_ = true;
            if (depth_ == 1) last_string_.clear();
            if (in_projects_ && depth_ == 2 && !in_element_) in_element_ = true; // a bare string entry
            break;
        case ':':
            if (depth_ == 1) key_is_projects_ = last_string_ == "projects";
            break;
        case '{':
        case '[':
            if (in_projects_ && depth_ == 2 && !in_element_) {
                in_element_ = true;
                element_is_object_ = c == '{';
                if (element_is_object_) element_.assign(1, c);
            }
            if (c == '[' && depth_ == 1 && key_is_projects_ && !projects_done_) in_projects_ = true;
            ++depth_;
            break;
        case '}':
        case ']':
            --depth_;
            if (depth_ < 0) return std::string(index_what) + ": malformed JSON (unbalanced brackets)";
            if (in_projects_ && depth_ == 2 && in_element_ && element_is_object_) take_element();
            if (in_projects_ && depth_ == 1) { // the projects array closed
                if (in_element_) take_element();
                in_projects_ = false;
                projects_done_ = true;
            }
            break;
        case ',':
            if (in_projects_ && depth_ == 2 && in_element_) take_element();
            break;
        default:
            if (in_projects_ && depth_ == 2 && !in_element_ && !std::isspace(static_cast<unsigned char>(c))) in_element_ = true; // scalar
            if (depth_ == 1 && !std::isspace(static_cast<unsigned char>(c))) key_is_projects_ = false; // a scalar value
            break;
        }
    }
    return {};
}

std::string simple_index_stream::finish() const {
    if (!projects_done_) return field_error(index_what, "projects", "a complete array");
    return {};
}

std::optional<std::string> requirement_name(std::string_view requirement) {
    while (!requirement.empty() && std::isspace(static_cast<unsigned char>(requirement.front()))) requirement.remove_prefix(1);
    std::size_t n = 0;
    while (n < requirement.size()) {
        const char c = requirement[n];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') break;
        ++n;
    }
    auto name = requirement.substr(0, n);
    if (!is_valid_project_name(name)) return std::nullopt;
    return std::string(name);
}

} // namespace harvest::sources
