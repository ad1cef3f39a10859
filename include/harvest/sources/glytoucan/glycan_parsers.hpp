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

struct sparql_row {
    std::string accession;
    std::optional<std::string> wurcs;
};

// SPARQL 1.1 JSON results; `accession_var` and `wurcs_var` name the SELECT variables.
std::string parse_sparql_rows(simdjson::ondemand::parser& parser, std::string& body, std::string_view accession_var,
                              std::string_view wurcs_var, std::vector<sparql_row>& out);

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
