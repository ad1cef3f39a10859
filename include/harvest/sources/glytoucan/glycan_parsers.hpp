#pragma once
// Parsers for the glycan services' bodies (SPARQL JSON results, GlyCosmos gtcid2seqs, GlyGen
// detail and error bodies). On-Demand, error-code style: each returns an empty string on
// success or a one-line reason naming the field; a failed parse leaves the output untouched.
#include <harvest/sources/glytoucan/glycan_record.hpp>

#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

namespace harvest::sources {

// One row of harvest's glycan SPARQL (glycan_sparql.hpp): variables AccNum (required), archived,
// wurcs, glycoct, iupac, mass (optional). An accession may come in several rows.
struct sparql_row {
    std::string accession;
    bool archived = false; // the archive graph lists it (only a lookup asks)
    std::optional<std::string> wurcs;
    std::optional<std::string> glycoct;
    std::optional<std::string> iupac_condensed;
    std::optional<double> mass;
};

// SPARQL 1.1 JSON results of that query.
std::string parse_sparql_rows(simdjson::ondemand::parser& parser, std::string& body, std::vector<sparql_row>& out);

struct glycosmos_sequences {
    std::optional<std::string> wurcs;
    std::optional<std::string> glycoct;
};

// GlyCosmos `gtcid2seqs`: [{"id","wurcs"},{"id","glycoct"}]; [] when the accession is unknown.
std::string parse_gtcid2seqs(simdjson::ondemand::parser& parser, std::string& body, glycosmos_sequences& out);

// GlyGen `glycan/detail/<ac>/`: fills the GlyGen fields of `record` and sets enriched.
std::string parse_glygen_detail(simdjson::ondemand::parser& parser, std::string& body, glycan_record& record);

// GlyGen's error shape (HTTP 500 + error_list): the first error_code, or nullopt when the body
// is not that shape.
std::optional<std::string> glygen_error_code(simdjson::ondemand::parser& parser, std::string& body);

} // namespace harvest::sources
