#include <harvest/convert/converter.hpp>

#include <harvest/export/json_writer.hpp>

#include <charconv>

namespace harvest::convert {
namespace {

using exporting::json_writer;
using sources::glycan_record;

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

} // namespace

std::optional<output_format> parse_output_format(std::string_view name) noexcept {
    if (name == "raw") return output_format::raw;
    if (name == "text") return output_format::text;
    return std::nullopt;
}

void write_record_object(json_writer& w, const record_variant& record) {
    std::visit([&](const auto& r) { write_glycan(w, r); }, record);
}

std::string render_text(const record_variant& record) {
    return std::visit([](const auto& r) { return glycan_text(r); }, record);
}

void convert_batch(std::span<const training_record> batch, output_format format, std::string& out) {
    for (const auto& item : batch) {
        json_writer w(out);
        w.begin_object().key("id").value(item.id).key("source").value(item.source);
        if (format == output_format::raw) {
            w.key("fetched_at").value(item.fetched_at).key("schema_version").value(schema_version).key("record");
            write_record_object(w, item.record);
        } else {
            w.key("text").value(render_text(item.record));
        }
        w.end_object();
        out += '\n';
    }
}

} // namespace harvest::convert
