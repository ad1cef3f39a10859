#include <harvest/sources/pypi/pypi_parsers.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static simdjson::ondemand::parser parser;
    std::string body(reinterpret_cast<const char*>(data), size);
    harvest::sources::pypi_record record;
    record.name = "untouched";
    const auto error = harvest::sources::parse_pypi_project(parser, body, size % 2 == 0, record);
    if (!error.empty() && record.name != "untouched") std::abort(); // half-filled
    if (error.empty())
        for (const auto& r : record.requires_dist) (void)harvest::sources::requirement_name(r);
    return 0;
}
