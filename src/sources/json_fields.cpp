#include <harvest/sources/json_fields.hpp>

namespace harvest::sources {
namespace ondemand = simdjson::ondemand;

simdjson::padded_string_view padded(std::string& body) {
    if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

namespace {
bool is_null(ondemand::value& v) {
    ondemand::json_type t;
    return v.type().get(t) == simdjson::SUCCESS && t == ondemand::json_type::null;
}
} // namespace

bool read_string(ondemand::value v, std::optional<std::string>& out) {
    out.reset();
    if (is_null(v)) return true;
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return false;
    out.emplace(s);
    return true;
}

bool read_double(ondemand::value v, std::optional<double>& out) {
    out.reset();
    if (is_null(v)) return true;
    double d = 0;
    if (v.get_double().get(d) != simdjson::SUCCESS) return false;
    out = d;
    return true;
}

bool read_int(ondemand::value v, std::optional<std::int64_t>& out) {
    out.reset();
    if (is_null(v)) return true;
    std::int64_t i = 0;
    if (v.get_int64().get(i) != simdjson::SUCCESS) return false;
    out = i;
    return true;
}

bool read_bool(ondemand::value v, std::optional<bool>& out) {
    out.reset();
    if (is_null(v)) return true;
    bool b = false;
    if (v.get_bool().get(b) != simdjson::SUCCESS) return false;
    out = b;
    return true;
}

std::string field_error(std::string_view what, std::string_view field, std::string_view expected) {
    return std::string(what) + ": field '" + std::string(field) + "': expected " + std::string(expected);
}

} // namespace harvest::sources
