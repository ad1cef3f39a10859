#include <harvest/sources/glytoucan/glycan_parsers.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static simdjson::ondemand::parser parser;
    std::string body(reinterpret_cast<const char*>(data), size);
    std::vector<harvest::sources::sparql_row> rows(1);
    if (!harvest::sources::parse_sparql_rows(parser, body, rows).empty() && rows.size() != 1) std::abort();
    return 0;
}
