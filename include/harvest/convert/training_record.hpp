#pragma once
// What flows from the sources into the converter: one harvested record with its identity.
#include <harvest/sources/source.hpp>

#include <string>

namespace harvest::convert {

using sources::record_variant;

struct training_record {
    std::string id;
    std::string source;     // "glytoucan", "pypi"
    std::string fetched_at; // RFC 3339 UTC
    record_variant record;
};

} // namespace harvest::convert
