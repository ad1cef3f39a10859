#include <harvest/sources/glytoucan/glycan_record.hpp>

#include <charconv>

namespace harvest::sources {
using exporting::json_writer;

namespace {

std::string number(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc{} ? std::string(buf, end) : std::string();
}

} // namespace

bool has_content(const glycan_record& r) noexcept {
    return r.wurcs || r.glycoct || r.mass || r.mass_pme || r.iupac || r.iupac_condensed || r.inchi || r.inchi_key || !r.composition.empty() ||
           !r.species.empty() || !r.classification.empty() || !r.motifs.empty() || !r.crossrefs.empty();
}

void write_record_object(json_writer& w, const glycan_record& r) {
    w.begin_object();
    w.key("accession").value(r.accession);
    write_optional(w, "wurcs", r.wurcs);
    write_optional(w, "glycoct", r.glycoct);
    w.key("enriched").value(r.enriched);
    write_optional(w, "mass", r.mass);
    write_optional(w, "mass_pme", r.mass_pme);
    write_optional(w, "iupac", r.iupac);
    write_optional(w, "iupac_condensed", r.iupac_condensed);
    write_optional(w, "inchi", r.inchi);
    write_optional(w, "inchi_key", r.inchi_key);
    if (!r.composition.empty()) {
        w.key("composition").begin_array();
        for (const auto& c : r.composition) w.begin_object().key("residue").value(c.residue).key("count").value(c.count).end_object();
        w.end_array();
    }
    if (!r.species.empty()) {
        w.key("species").begin_array();
        for (const auto& s : r.species) {
            w.begin_object().key("name").value(s.name);
            write_optional(w, "taxid", s.taxid);
            w.end_object();
        }
        w.end_array();
    }
    if (!r.classification.empty()) {
        w.key("classification").begin_array();
        for (const auto& c : r.classification) {
            w.begin_object().key("type").value(c.type);
            write_optional(w, "subtype", c.subtype);
            w.end_object();
        }
        w.end_array();
    }
    if (!r.motifs.empty()) {
        w.key("motifs").begin_array();
        for (const auto& m : r.motifs) {
            w.begin_object().key("id").value(m.id);
            write_optional(w, "name", m.name);
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

std::string render_text(const glycan_record& r) {
    std::string t = "GlyTouCan accession " + r.accession + " is a glycan";
    if (!r.classification.empty()) {
        t += " classified as " + r.classification.front().type;
        if (r.classification.front().subtype) t += " (" + *r.classification.front().subtype + ")";
    }
    t += ".";
    if (r.iupac) t += " Its IUPAC name is " + *r.iupac + ".";
    if (r.iupac_condensed) t += " Its IUPAC condensed name is " + *r.iupac_condensed + ".";
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

std::vector<chat_turn> chat_turns(const glycan_record& r) {
    std::vector<chat_turn> turns;
    if (r.wurcs) turns.push_back({"What is the WURCS sequence of the glycan with GlyTouCan accession " + r.accession + "?", *r.wurcs});
    const auto& name = r.iupac ? r.iupac : r.iupac_condensed;
    if (r.wurcs && name) turns.push_back({"What is the IUPAC name of the glycan with the WURCS sequence " + *r.wurcs + "?", *name});
    if (name && r.mass) turns.push_back({"What is the monoisotopic mass of " + *name + "?", number(*r.mass) + " Da"});
    if (!r.wurcs && r.glycoct) turns.push_back({"What is the GlycoCT sequence of the glycan with GlyTouCan accession " + r.accession + "?", *r.glycoct});
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

} // namespace harvest::sources
