// GlyGen detail and error bodies: any input parses or fails with a reason, never crashes,
// and a failure leaves the record as it was.
#include <harvest/sources/glytoucan/glycan_parsers.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static simdjson::ondemand::parser parser;
    std::string body(reinterpret_cast<const char*>(data), size);
    harvest::sources::glycan_record record;
    record.accession = "G00000AA";
    const auto error = harvest::sources::parse_glygen_detail(parser, body, record);
    if (!error.empty() && (record.enriched || record.mass || !record.composition.empty())) std::abort(); // half-filled
    std::string again(reinterpret_cast<const char*>(data), size);
    (void)harvest::sources::glygen_error_code(parser, again);
    return 0;
}
