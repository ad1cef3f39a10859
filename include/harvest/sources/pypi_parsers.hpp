#pragma once
// Parsers for PyPI bodies: the JSON API (project and release routes) and the PEP 691 index,
// plus the name part of PEP 508 requirements. On-Demand, error-code style: an empty string on
// success, else a one-line reason naming the field; a failed parse leaves the output untouched.
#include <harvest/sources/pypi_record.hpp>

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::sources {

std::string parse_pypi_project(simdjson::ondemand::parser& parser, std::string& body, bool with_description, pypi_record& out);

struct index_entry {
    std::string name;
    std::optional<std::uint64_t> last_serial;
};

// PEP 691 root index: {"meta":{...},"projects":[{"name","_last-serial"}...]}; entries that are
// not objects or lack a name are skipped (counted in `skipped`).
std::string parse_simple_index(simdjson::ondemand::parser& parser, std::string& body, std::vector<index_entry>& out,
                               std::size_t& skipped);

// The distribution name of a PEP 508 requirement ("Django>=2 ; python_version>'3'" -> "Django"),
// or nullopt when the string does not start with a valid name.
std::optional<std::string> requirement_name(std::string_view requirement);

} // namespace harvest::sources
