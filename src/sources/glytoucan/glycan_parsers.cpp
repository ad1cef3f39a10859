#include <harvest/sources/glytoucan/glycan_parsers.hpp>

#include <harvest/sources/json_fields.hpp>

#include <charconv>

namespace harvest::sources {
namespace ondemand = simdjson::ondemand;

namespace {

std::string not_json(std::string_view what, simdjson::error_code e) {
    return std::string(what) + ": malformed JSON (" + simdjson::error_message(e) + ")";
}

// Calls `each(object)` for every element of an array of objects; returns an error or "".
template <class Each>
std::string for_each_object(ondemand::value v, std::string_view what, std::string_view field, Each&& each) {
    ondemand::json_type t;
    if (v.type().get(t) == simdjson::SUCCESS && t == ondemand::json_type::null) return {};
    ondemand::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return field_error(what, field, "an array");
    for (auto element : arr) {
        ondemand::object o;
        if (element.get_object().get(o) != simdjson::SUCCESS) return field_error(what, field, "an array of objects");
        if (auto error = each(o); !error.empty()) return error;
    }
    return {};
}

// Reads the named string member of `o` (any order, missing allowed); false on a wrong type.
bool member_string(ondemand::object& o, std::string_view key, std::optional<std::string>& out) {
    out.reset();
    for (auto field : o) {
        std::string_view k;
        if (field.unescaped_key().get(k) != simdjson::SUCCESS) return false;
        if (k == key) return read_string(field.value(), out);
    }
    return true;
}

} // namespace

std::string parse_sparql_rows(ondemand::parser& parser, std::string& body, std::vector<sparql_row>& out) {
    constexpr std::string_view what = "SPARQL results";
    ondemand::document doc;
    if (auto e = parser.iterate(padded(body)).get(doc)) return not_json(what, e);
    ondemand::array bindings;
    if (auto e = doc["results"]["bindings"].get_array().get(bindings)) {
        if (e == simdjson::NO_SUCH_FIELD) return field_error(what, "results.bindings", "an array");
        return e == simdjson::INCORRECT_TYPE ? field_error(what, "results.bindings", "an array") : not_json(what, e);
    }
    std::vector<sparql_row> rows;
    for (auto binding : bindings) {
        ondemand::object b;
        if (binding.get_object().get(b) != simdjson::SUCCESS) return field_error(what, "results.bindings[]", "an object");
        sparql_row row;
        bool has_accession = false;
        for (auto field : b) {
            std::string_view var;
            if (field.unescaped_key().get(var) != simdjson::SUCCESS) return not_json(what, simdjson::TAPE_ERROR);
            std::optional<std::string>* text = var == "wurcs" ? &row.wurcs : var == "glycoct" ? &row.glycoct : var == "iupac" ? &row.iupac_condensed : nullptr;
            if (!text && var != "AccNum" && var != "mass" && var != "archived") continue;
            ondemand::object term;
            if (field.value().get_object().get(term) != simdjson::SUCCESS)
                return field_error(what, std::string(var), "an RDF term object");
            std::optional<std::string> value;
            if (!member_string(term, "value", value) || !value)
                return field_error(what, std::string(var) + ".value", "a string");
            if (var == "AccNum") {
                row.accession = std::move(*value);
                has_accession = true;
            } else if (var == "mass") {
                double mass = 0;
                const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), mass);
                if (ec != std::errc{} || end != value->data() + value->size())
                    return field_error(what, "mass.value", "a decimal number");
                row.mass = mass;
            } else if (var == "archived") {
                // Virtuoso answers EXISTS with 1/0, a conformant engine with true/false.
                row.archived = *value == "1" || *value == "true";
            } else {
                *text = std::move(value);
            }
        }
        if (!has_accession) return field_error(what, "AccNum", "a binding in every row");
        rows.push_back(std::move(row));
    }
    out = std::move(rows);
    return {};
}

std::string parse_gtcid2seqs(ondemand::parser& parser, std::string& body, glycosmos_sequences& out) {
    constexpr std::string_view what = "GlyCosmos gtcid2seqs";
    ondemand::document doc;
    if (auto e = parser.iterate(padded(body)).get(doc)) return not_json(what, e);
    ondemand::array arr;
    if (auto e = doc.get_array().get(arr)) return e == simdjson::INCORRECT_TYPE ? std::string(what) + ": expected a JSON array" : not_json(what, e);
    glycosmos_sequences seqs;
    for (auto element : arr) {
        ondemand::object o;
        if (element.get_object().get(o) != simdjson::SUCCESS) return field_error(what, "[]", "an object");
        for (auto field : o) {
            std::string_view key;
            if (field.unescaped_key().get(key) != simdjson::SUCCESS) return not_json(what, simdjson::TAPE_ERROR);
            std::optional<std::string>* target = key == "wurcs" ? &seqs.wurcs : key == "glycoct" ? &seqs.glycoct : nullptr;
            if (!target) continue;
            std::optional<std::string> value;
            if (!read_string(field.value(), value)) return field_error(what, key, "a string");
            if (value && !target->has_value()) *target = std::move(value);
        }
    }
    out = std::move(seqs);
    return {};
}

std::string parse_glygen_detail(ondemand::parser& parser, std::string& body, glycan_record& record) {
    constexpr std::string_view what = "GlyGen detail";
    ondemand::document doc;
    if (auto e = parser.iterate(padded(body)).get(doc)) return not_json(what, e);
    ondemand::object obj;
    if (auto e = doc.get_object().get(obj)) return e == simdjson::INCORRECT_TYPE ? std::string(what) + ": expected a JSON object" : not_json(what, e);
    glycan_record r = record; // filled as a copy: a failure leaves the caller's record as it was
    std::optional<std::string> wurcs, glycoct;
    std::optional<double> mass;
    for (auto field : obj) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return not_json(what, e);
        ondemand::value v;
        if (auto e = field.value().get(v)) return not_json(what, e);
        std::string error;
        if (key == "mass") {
            if (!read_double(v, mass)) error = field_error(what, key, "a number");
        } else if (key == "mass_pme") {
            if (!read_double(v, r.mass_pme)) error = field_error(what, key, "a number");
        } else if (key == "iupac") {
            if (!read_string(v, r.iupac)) error = field_error(what, key, "a string");
        } else if (key == "wurcs") {
            if (!read_string(v, wurcs)) error = field_error(what, key, "a string");
        } else if (key == "glycoct") {
            if (!read_string(v, glycoct)) error = field_error(what, key, "a string");
        } else if (key == "inchi") {
            if (!read_string(v, r.inchi)) error = field_error(what, key, "a string");
        } else if (key == "inchi_key") {
            ondemand::object o;
            ondemand::json_type t;
            if (v.type().get(t) == simdjson::SUCCESS && t == ondemand::json_type::null) continue;
            if (v.get_object().get(o) != simdjson::SUCCESS || !member_string(o, "key", r.inchi_key))
                error = field_error(what, "inchi_key.key", "a string");
        } else if (key == "composition") {
            r.composition.clear();
            error = for_each_object(v, what, key, [&](ondemand::object& o) -> std::string {
                glycan_composition c;
                std::optional<std::string> residue;
                std::optional<std::int64_t> count;
                for (auto f : o) {
                    std::string_view k;
                    if (f.unescaped_key().get(k) != simdjson::SUCCESS) return not_json(what, simdjson::TAPE_ERROR);
                    if (k == "residue" && !read_string(f.value(), residue)) return field_error(what, "composition[].residue", "a string");
                    if (k == "count" && !read_int(f.value(), count)) return field_error(what, "composition[].count", "an integer");
                }
                if (!residue || !count) return field_error(what, "composition[]", "residue and count");
                r.composition.push_back({std::move(*residue), *count});
                return {};
            });
        } else if (key == "species") {
            r.species.clear();
            error = for_each_object(v, what, key, [&](ondemand::object& o) -> std::string {
                std::optional<std::string> name;
                std::optional<std::int64_t> taxid;
                for (auto f : o) {
                    std::string_view k;
                    if (f.unescaped_key().get(k) != simdjson::SUCCESS) return not_json(what, simdjson::TAPE_ERROR);
                    if (k == "name" && !read_string(f.value(), name)) return field_error(what, "species[].name", "a string");
                    if ((k == "taxid" || k == "tax_id") && !read_int(f.value(), taxid)) return field_error(what, "species[].taxid", "an integer");
                }
                if (!name) return field_error(what, "species[].name", "a string");
                r.species.push_back({std::move(*name), taxid});
                return {};
            });
        } else if (key == "classification") {
            r.classification.clear();
            error = for_each_object(v, what, key, [&](ondemand::object& o) -> std::string {
                std::optional<std::string> type, subtype;
                for (auto f : o) {
                    std::string_view k;
                    if (f.unescaped_key().get(k) != simdjson::SUCCESS) return not_json(what, simdjson::TAPE_ERROR);
                    if (k != "type" && k != "subtype") continue;
                    ondemand::object term;
                    if (f.value().get_object().get(term) != simdjson::SUCCESS || !member_string(term, "name", k == "type" ? type : subtype))
                        return field_error(what, "classification[]." + std::string(k) + ".name", "a string");
                }
                if (!type) return field_error(what, "classification[].type.name", "a string");
                r.classification.push_back({std::move(*type), std::move(subtype)});
                return {};
            });
        } else if (key == "motifs") {
            r.motifs.clear();
            error = for_each_object(v, what, key, [&](ondemand::object& o) -> std::string {
                std::optional<std::string> id, name;
                for (auto f : o) {
                    std::string_view k;
                    if (f.unescaped_key().get(k) != simdjson::SUCCESS) return not_json(what, simdjson::TAPE_ERROR);
                    if (k == "id" && !read_string(f.value(), id)) return field_error(what, "motifs[].id", "a string");
                    if (k == "name" && !read_string(f.value(), name)) return field_error(what, "motifs[].name", "a string");
                }
                if (!id) return field_error(what, "motifs[].id", "a string");
                r.motifs.push_back({std::move(*id), std::move(name)});
                return {};
            });
        } else if (key == "crossref") {
            r.crossrefs.clear();
            error = for_each_object(v, what, key, [&](ondemand::object& o) -> std::string {
                std::optional<std::string> database, id;
                for (auto f : o) {
                    std::string_view k;
                    if (f.unescaped_key().get(k) != simdjson::SUCCESS) return not_json(what, simdjson::TAPE_ERROR);
                    if (k == "database" && !read_string(f.value(), database)) return field_error(what, "crossref[].database", "a string");
                    if (k == "id" && !read_string(f.value(), id)) return field_error(what, "crossref[].id", "a string");
                }
                if (!database || !id) return field_error(what, "crossref[]", "database and id");
                r.crossrefs.push_back({std::move(*database), std::move(*id)});
                return {};
            });
        }
        if (!error.empty()) return error;
    }
    if (!r.wurcs) r.wurcs = std::move(wurcs);
    if (!r.mass) r.mass = mass; // GlyTouCan's own mass when SPARQL gave one (GlyGen rounds to 2 decimals)
    if (!r.glycoct) r.glycoct = std::move(glycoct);
    r.enriched = true;
    record = std::move(r);
    return {};
}

std::optional<std::string> glygen_error_code(ondemand::parser& parser, std::string& body) {
    ondemand::document doc;
    if (parser.iterate(padded(body)).get(doc) != simdjson::SUCCESS) return std::nullopt;
    ondemand::array errors;
    if (doc["error_list"].get_array().get(errors) != simdjson::SUCCESS) return std::nullopt;
    for (auto e : errors) {
        ondemand::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) return std::nullopt;
        std::optional<std::string> code;
        if (member_string(o, "error_code", code) && code) return code;
    }
    return std::nullopt;
}

} // namespace harvest::sources
