#include <harvest/export/json_writer.hpp>

#include <doctest/doctest.h>
#include <simdjson.h>

using harvest::exporting::append_json_string;
using harvest::exporting::json_writer;

namespace {
std::string quoted(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}
} // namespace

TEST_CASE("strings are escaped per RFC 8259") {
    CHECK(quoted("plain") == "\"plain\"");
    CHECK(quoted("a\"b\\c") == R"("a\"b\\c")");
    CHECK(quoted("line\nbreak\ttab\r") == R"("line\nbreak\ttab\r")");
    CHECK(quoted(std::string_view("\x01\x1f", 2)) == R"("\u0001\u001f")");
    CHECK(quoted("S\xC3\xA9" "bastien") == "\"S\xC3\xA9" "bastien\""); // valid UTF-8 passes through
}

TEST_CASE("invalid UTF-8 becomes U+FFFD so every line stays valid JSON") {
    CHECK(quoted("a\xFFz") == "\"a\xEF\xBF\xBDz\"");
    CHECK(quoted("\xC3") == "\"\xEF\xBF\xBD\"");              // truncated sequence
    CHECK(quoted("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\""); // overlong '/'
    CHECK(quoted("\xED\xA0\x80").find("\xEF\xBF\xBD") != std::string::npos); // surrogate
}

TEST_CASE("nested containers get their commas and parse back") {
    std::string out;
    json_writer w(out);
    w.begin_object()
        .key("id").value("G17689DH")
        .key("mass").value(2368.84)
        .key("count").value(std::int64_t{-3})
        .key("serial").value(std::uint64_t{6308640})
        .key("ok").value(true)
        .key("none").null()
        .key("list").begin_array().value("a").begin_object().end_object().begin_array().end_array().value(1).end_array()
        .key("raw").raw(R"({"x":[1,2]})")
        .end_object();
    CHECK(out == R"({"id":"G17689DH","mass":2368.84,"count":-3,"serial":6308640,"ok":true,"none":null,"list":["a",{},[],1],"raw":{"x":[1,2]}})");
    simdjson::dom::parser parser;
    double mass = 0;
    CHECK(parser.parse(out)["mass"].get(mass) == simdjson::SUCCESS);
    CHECK(mass == 2368.84);
}

TEST_CASE("non-finite numbers are written as null") {
    std::string out;
    json_writer w(out);
    w.begin_array().value(std::numeric_limits<double>::infinity()).value(std::nan("")).end_array();
    CHECK(out == "[null,null]");
}
