#pragma once
// What flows from the sources into the converter: one harvested record with its identity.
#include <harvest/sources/glycan_record.hpp>

#include <string>
#include <variant>

namespace harvest::convert {

using record_variant = std::variant<sources::glycan_record>;

struct training_record {
    std::string id;
    std::string source;     // "glytoucan", "pypi"
    std::string fetched_at; // RFC 3339 UTC
    record_variant record;
};

} // namespace harvest::convert
