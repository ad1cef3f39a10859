#include <harvest/sources/pypi/pypi_record.hpp>

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
    write_optional(w, "yanked", r.yanked);
    write_optional(w, "yanked_reason", r.yanked_reason);
    write_optional(w, "last_serial", r.last_serial);
    if (r.vulnerability_count) w.key("vulnerability_count").value(static_cast<std::uint64_t>(*r.vulnerability_count));
    write_optional(w, "description", r.description);
    w.end_object();
}

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
    if (present(r.requires_python)) t += " It requires Python " + *r.requires_python + ".";
    if (!r.requires_dist.empty()) {
        t += " It depends on";
        for (std::size_t i = 0; i < r.requires_dist.size(); ++i) t += (i ? ", " : " ") + r.requires_dist[i];
        t += ".";
    }
    if (r.yanked == true) t += " This release was yanked" + (present(r.yanked_reason) ? ": " + *r.yanked_reason : std::string()) + ".";
    return t;
}

std::vector<chat_turn> chat_turns(const pypi_record& r) {
    std::vector<chat_turn> turns;
    if (present(r.summary)) turns.push_back({"Which Python package is described as: " + *r.summary, r.name});
    if (!r.requires_dist.empty()) {
        std::string answer;
        for (std::size_t i = 0; i < r.requires_dist.size(); ++i) answer += (i ? ", " : "") + r.requires_dist[i];
        turns.push_back({"What are the dependencies of the Python package " + r.name + " " + r.version + "?", answer});
    }
    if (present(r.license)) turns.push_back({"Under which licence is the Python package " + r.name + " distributed?", *r.license});
    if (present(r.requires_python)) turns.push_back({"Which Python versions does " + r.name + " " + r.version + " support?", *r.requires_python});
    return turns;
}

} // namespace harvest::sources
