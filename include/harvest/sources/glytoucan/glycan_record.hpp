#pragma once
// One merged glycan: GlyTouCan accession, sequences and mass (GlyTouCan's SPARQL, or GlyCosmos
// for an accession SPARQL does not know) plus, when enriched, the GlyGen detail fields. Every
// field but the accession may be missing.
#include <harvest/sources/record.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace harvest::sources {

struct glycan_composition {
    std::string residue;
    std::int64_t count = 0;
};

struct glycan_species {
    std::string name;
    std::optional<std::int64_t> taxid;
};

struct glycan_classification {
    std::string type;
    std::optional<std::string> subtype;
};

struct glycan_motif {
    std::string id;
    std::optional<std::string> name;
};

struct glycan_crossref {
    std::string database;
    std::string id;
};

struct glycan_record {
    std::string accession;
    std::optional<std::string> wurcs;   // SPARQL (or GlyCosmos), else GlyGen
    std::optional<std::string> glycoct; // SPARQL (or GlyCosmos), else GlyGen
    bool enriched = false;              // GlyGen knew the accession
    std::optional<double> mass;         // monoisotopic: SPARQL, else GlyGen
    std::optional<double> mass_pme;     // permethylated, GlyGen
    std::optional<std::string> iupac;   // IUPAC extended, GlyGen
    std::optional<std::string> iupac_condensed; // GlyCosmos's sequence graph
    std::optional<std::string> inchi;
    std::optional<std::string> inchi_key;
    std::vector<glycan_composition> composition;
    std::vector<glycan_species> species;
    std::vector<glycan_classification> classification;
    std::vector<glycan_motif> motifs;
    std::vector<glycan_crossref> crossrefs;
};

// True when the record says anything beyond its accession: a training line needs content.
bool has_content(const glycan_record& r) noexcept;

// The renderings typed_record<glycan_record> calls (record.hpp).
void write_record_object(exporting::json_writer& w, const glycan_record& r);
std::string render_text(const glycan_record& r);
std::vector<chat_turn> chat_turns(const glycan_record& r);

} // namespace harvest::sources
