#include <harvest/sources/pypi_parsers.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static simdjson::ondemand::parser parser;
    std::string body(reinterpret_cast<const char*>(data), size);
    std::vector<harvest::sources::index_entry> entries;
    std::size_t skipped = 0;
    (void)harvest::sources::parse_simple_index(parser, body, entries, skipped);
    for (const auto& e : entries)
        if (e.name.empty()) std::abort();
    return 0;
}
