#pragma once
// simdjson On-Demand helpers for untrusted bodies: a padded view of a response body, and typed
// reads that treat null as missing and a wrong type as an error naming the field.
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harvest::sources {

// Makes room for simdjson's padding behind `body` (no copy when capacity allows) and views it.
simdjson::padded_string_view padded(std::string& body);

// Each returns false on a wrong type (the caller reports the field); null leaves `out` empty.
bool read_string(simdjson::ondemand::value v, std::optional<std::string>& out);
bool read_double(simdjson::ondemand::value v, std::optional<double>& out);
bool read_int(simdjson::ondemand::value v, std::optional<std::int64_t>& out);
bool read_bool(simdjson::ondemand::value v, std::optional<bool>& out);

// "<what>: field '<field>': expected <expected>"
std::string field_error(std::string_view what, std::string_view field, std::string_view expected);

} // namespace harvest::sources
