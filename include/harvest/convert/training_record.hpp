#pragma once
// What flows from the sources into the converter: one harvested record with its identity.
#include <harvest/sources/record.hpp>

#include <string>

namespace harvest::convert {


struct training_record {
    std::string id;
    std::string source;     // "glytoucan", "pypi"
    std::string fetched_at; // RFC 3339 UTC
    sources::record_ptr record;
};

} // namespace harvest::convert
