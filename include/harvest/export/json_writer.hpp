#pragma once
// A minimal streaming JSON writer: appends compact JSON to a string. Strings are escaped per
// RFC 8259 and invalid UTF-8 is replaced by U+FFFD, so every line it writes parses anywhere.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::exporting {

// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

class json_writer {
public:
    explicit json_writer(std::string& out) : out_(out) {}

    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    json_writer& key(std::string_view k);
    json_writer& value(std::string_view s);
    json_writer& value(const char* s) { return value(std::string_view{s}); }
    json_writer& value(std::int64_t v);
    json_writer& value(std::uint64_t v);
    json_writer& value(int v) { return value(static_cast<std::int64_t>(v)); }
    json_writer& value(double v);
    json_writer& value(bool v);
    json_writer& null();
    // Inserts already-serialised JSON (trusted: produced by a JSON serialiser).
    json_writer& raw(std::string_view json);

private:
    void before_value();

    std::string& out_;
    std::vector<bool> has_items_; // per open container: whether a comma is needed
    bool after_key_ = false;
};

} // namespace harvest::exporting
