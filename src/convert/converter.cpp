#include <harvest/convert/converter.hpp>

#include <harvest/export/json_writer.hpp>

#include <charconv>

namespace harvest::convert {
namespace {

using exporting::json_writer;
using sources::glycan_record;
using sources::pypi_record;

template <class T> void optional_member(json_writer& w, std::string_view key, const std::optional<T>& v) {
    if (v) w.key(key).value(*v);
}

void write_glycan(json_writer& w, const glycan_record& r) {
    w.begin_object();
    w.key("accession").value(r.accession);
    optional_member(w, "wurcs", r.wurcs);
    optional_member(w, "glycoct", r.glycoct);
    w.key("enriched").value(r.enriched);
    optional_member(w, "mass", r.mass);
    optional_member(w, "mass_pme", r.mass_pme);
    optional_member(w, "iupac", r.iupac);
    optional_member(w, "inchi", r.inchi);
    optional_member(w, "inchi_key", r.inchi_key);
    if (!r.composition.empty()) {
        w.key("composition").begin_array();
        for (const auto& c : r.composition) w.begin_object().key("residue").value(c.residue).key("count").value(c.count).end_object();
        w.end_array();
    }
    if (!r.species.empty()) {
        w.key("species").begin_array();
        for (const auto& s : r.species) {
            w.begin_object().key("name").value(s.name);
            optional_member(w, "taxid", s.taxid);
            w.end_object();
        }
        w.end_array();
    }
    if (!r.classification.empty()) {
        w.key("classification").begin_array();
        for (const auto& c : r.classification) {
            w.begin_object().key("type").value(c.type);
            optional_member(w, "subtype", c.subtype);
            w.end_object();
        }
        w.end_array();
    }
    if (!r.motifs.empty()) {
        w.key("motifs").begin_array();
        for (const auto& m : r.motifs) {
            w.begin_object().key("id").value(m.id);
            optional_member(w, "name", m.name);
            w.end_object();
        }
        w.end_array();
    }
    if (!r.crossrefs.empty()) {
        w.key("crossrefs").begin_array();
        for (const auto& x : r.crossrefs) w.begin_object().key("database").value(x.database).key("id").value(x.id).end_object();
        w.end_array();
    }
    w.end_object();
}

std::string number(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc{} ? std::string(buf, end) : std::string();
}

std::string glycan_text(const glycan_record& r) {
    std::string t = "GlyTouCan accession " + r.accession + " is a glycan";
    if (!r.classification.empty()) {
        t += " classified as " + r.classification.front().type;
        if (r.classification.front().subtype) t += " (" + *r.classification.front().subtype + ")";
    }
    t += ".";
    if (r.iupac) t += " Its IUPAC name is " + *r.iupac + ".";
    if (r.wurcs) t += " Its WURCS sequence is " + *r.wurcs + ".";
    if (r.mass) t += " Its monoisotopic mass is " + number(*r.mass) + " Da.";
    if (r.mass_pme) t += " Its permethylated mass is " + number(*r.mass_pme) + " Da.";
    if (!r.composition.empty()) {
        t += " Its composition is";
        for (std::size_t i = 0; i < r.composition.size(); ++i)
            t += (i ? ", " : " ") + std::to_string(r.composition[i].count) + " " + r.composition[i].residue;
        t += ".";
    }
    if (!r.species.empty()) {
        t += " It has been reported in";
        for (std::size_t i = 0; i < r.species.size(); ++i) t += (i ? ", " : " ") + r.species[i].name;
        t += ".";
    }
    return t;
}

void string_array(json_writer& w, std::string_view key, const std::vector<std::string>& values) {
    w.key(key).begin_array();
    for (const auto& v : values) w.value(v);
    w.end_array();
}

void write_pypi(json_writer& w, const pypi_record& r) {
    w.begin_object();
    w.key("name").value(r.name).key("version").value(r.version);
    optional_member(w, "summary", r.summary);
    optional_member(w, "license", r.license);
    optional_member(w, "requires_python", r.requires_python);
    string_array(w, "requires_dist", r.requires_dist);
    string_array(w, "provides_extra", r.provides_extra);
    string_array(w, "classifiers", r.classifiers);
    optional_member(w, "keywords", r.keywords);
    optional_member(w, "author", r.author);
    optional_member(w, "maintainer", r.maintainer);
    optional_member(w, "home_page", r.home_page);
    w.key("project_urls").begin_object();
    for (const auto& [label, url] : r.project_urls) w.key(label).value(url);
    w.end_object();
    string_array(w, "versions", r.versions);
    w.key("release_count").value(static_cast<std::uint64_t>(r.release_count));
    optional_member(w, "latest_upload", r.latest_upload);
    optional_member(w, "yanked", r.yanked);
    optional_member(w, "yanked_reason", r.yanked_reason);
    optional_member(w, "last_serial", r.last_serial);
    if (r.vulnerability_count) w.key("vulnerability_count").value(static_cast<std::uint64_t>(*r.vulnerability_count));
    optional_member(w, "description", r.description);
    w.end_object();
}

bool present(const std::optional<std::string>& s) { return s && !s->empty() && *s != "UNKNOWN"; }

std::string pypi_text(const pypi_record& r) {
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

std::vector<chat_turn> glycan_turns(const glycan_record& r) {
    std::vector<chat_turn> turns;
    if (r.wurcs) turns.push_back({"What is the WURCS sequence of the glycan with GlyTouCan accession " + r.accession + "?", *r.wurcs});
    if (r.wurcs && r.iupac) turns.push_back({"What is the IUPAC name of the glycan with the WURCS sequence " + *r.wurcs + "?", *r.iupac});
    if (r.iupac && r.mass) turns.push_back({"What is the monoisotopic mass of " + *r.iupac + "?", number(*r.mass) + " Da"});
    if (!r.composition.empty()) {
        std::string answer;
        for (std::size_t i = 0; i < r.composition.size(); ++i)
            answer += (i ? ", " : "") + std::to_string(r.composition[i].count) + " " + r.composition[i].residue;
        turns.push_back({"What is the monosaccharide composition of glycan " + r.accession + "?", answer});
    }
    if (!r.species.empty()) {
        std::string answer;
        for (std::size_t i = 0; i < r.species.size(); ++i) answer += (i ? ", " : "") + r.species[i].name;
        turns.push_back({"In which species has glycan " + r.accession + " been reported?", answer});
    }
    return turns;
}

std::vector<chat_turn> pypi_turns(const pypi_record& r) {
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

} // namespace

std::optional<output_format> parse_output_format(std::string_view name) noexcept {
    if (name == "raw") return output_format::raw;
    if (name == "text") return output_format::text;
    if (name == "chat") return output_format::chat;
    return std::nullopt;
}

std::vector<chat_turn> chat_turns(const record_variant& record) {
    if (const auto* g = std::get_if<glycan_record>(&record)) return glycan_turns(*g);
    return pypi_turns(std::get<pypi_record>(record));
}

void write_record_object(json_writer& w, const record_variant& record) {
    if (const auto* g = std::get_if<glycan_record>(&record)) write_glycan(w, *g);
    else write_pypi(w, std::get<pypi_record>(record));
}

std::string render_text(const record_variant& record) {
    if (const auto* g = std::get_if<glycan_record>(&record)) return glycan_text(*g);
    return pypi_text(std::get<pypi_record>(record));
}

void convert_record(const training_record& item, output_format format, std::string& out) {
    json_writer w(out);
    w.begin_object().key("id").value(item.id).key("source").value(item.source);
    switch (format) {
    case output_format::raw:
        w.key("fetched_at").value(item.fetched_at).key("schema_version").value(schema_version).key("record");
        write_record_object(w, item.record);
        break;
    case output_format::text:
        w.key("text").value(render_text(item.record));
        break;
    case output_format::chat:
        w.key("messages").begin_array();
        for (const auto& turn : chat_turns(item.record)) {
            w.begin_object().key("role").value("user").key("content").value(turn.question).end_object();
            w.begin_object().key("role").value("assistant").key("content").value(turn.answer).end_object();
        }
        w.end_array();
        break;
    }
    w.end_object();
    out += '\n';
}

} // namespace harvest::convert
