#include <harvest/sources/pypi/pypi_record.hpp>

#include <harvest/ascii.hpp>
#include <harvest/sources/pypi/pypi_words.hpp>

#include <cctype>

namespace harvest::sources {
using exporting::json_writer;

namespace {

void string_array(json_writer& w, std::string_view key, const std::vector<std::string>& values) {
    w.key(key).begin_array();
    for (const auto& v : values) w.value(v);
    w.end_array();
}

bool present(const std::optional<std::string>& s) { return s && !s->empty() && *s != "UNKNOWN"; }

} // namespace

void write_record_object(json_writer& w, const pypi_record& r) {
    w.begin_object();
    w.key("name").value(r.name).key("version").value(r.version);
    write_optional(w, "summary", r.summary);
    write_optional(w, "license", r.license);
    write_optional(w, "requires_python", r.requires_python);
    string_array(w, "requires_dist", r.requires_dist);
    string_array(w, "provides_extra", r.provides_extra);
    string_array(w, "classifiers", r.classifiers);
    write_optional(w, "keywords", r.keywords);
    write_optional(w, "author", r.author);
    write_optional(w, "maintainer", r.maintainer);
    write_optional(w, "home_page", r.home_page);
    w.key("project_urls").begin_object();
    for (const auto& [label, url] : r.project_urls) w.key(label).value(url);
    w.end_object();
    string_array(w, "versions", r.versions);
    w.key("release_count").value(static_cast<std::uint64_t>(r.release_count));
    write_optional(w, "latest_upload", r.latest_upload);
    if (!r.versions_from.empty()) w.key("versions_from").value(r.versions_from);
    write_optional(w, "project_status", r.project_status);
    write_optional(w, "yanked", r.yanked);
    write_optional(w, "yanked_reason", r.yanked_reason);
    write_optional(w, "last_serial", r.last_serial);
    if (r.vulnerability_count) w.key("vulnerability_count").value(static_cast<std::uint64_t>(*r.vulnerability_count));
    write_optional(w, "description", r.description);
    w.end_object();
}

namespace {

std::string capitalized(std::string s) {
    if (!s.empty()) s.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(s.front())));
    return s;
}

} // namespace

std::string render_text(const pypi_record& r) {
    std::string t = "The Python package " + r.name;
    if (!r.version.empty()) t += " (version " + r.version + ")";
    if (present(r.summary)) {
        std::string summary = *r.summary;
        while (!summary.empty() && (summary.back() == '.' || summary.back() == ' ')) summary.pop_back();
        t += " is described as: " + summary + ".";
    } else {
        t += " is published on PyPI.";
    }
    if (present(r.license)) t += " Its licence is " + *r.license + ".";
    if (present(r.requires_python))
        if (const auto versions = versions_in_words(*r.requires_python); !versions.empty()) t += " It requires Python " + versions + ".";
    if (const auto deps = dependencies_in_words(r.requires_dist); !deps.empty()) { // appended piecewise: g++ 12 warns falsely (-Wrestrict) on " " + s + "."
        t += ' ';
        t += capitalized(deps);
        t += '.';
    }
    if (r.yanked == true) t += " This release was yanked" + (present(r.yanked_reason) ? ": " + *r.yanked_reason : std::string()) + ".";
    if (present(r.description))
        if (const auto excerpt = description_excerpt(*r.description); !excerpt.empty()) t += " From its description: " + excerpt;
    return t;
}

std::vector<chat_turn> chat_turns(const pypi_record& r) {
    std::vector<chat_turn> turns;
    if (present(r.summary)) turns.push_back({"Which Python package is described as: " + *r.summary, r.name});
    if (const auto deps = dependencies_in_words(r.requires_dist); !deps.empty())
        turns.push_back({"What does the Python package " + r.name + " " + r.version + " depend on?", capitalized(deps) + "."});
    if (present(r.license)) turns.push_back({"Under which licence is the Python package " + r.name + " distributed?", *r.license});
    if (present(r.requires_python))
        if (const auto versions = versions_in_words(*r.requires_python); !versions.empty())
            turns.push_back({"Which Python versions does " + r.name + " " + r.version + " support?", "Python " + versions});
    if (present(r.description))
        if (const auto excerpt = description_excerpt(*r.description); !excerpt.empty())
            turns.push_back({"What does the Python package " + r.name + " do?", excerpt});
    // A question that holds its answer teaches nothing ("described as: psycopg2 - ..." -> psycopg2).
    std::erase_if(turns, [](const chat_turn& t) { return ascii_lower(t.question).find(ascii_lower(t.answer)) != std::string::npos; });
    return turns;
}

} // namespace harvest::sources
