#include <harvest/sources/glytoucan/glycan_parsers.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static simdjson::ondemand::parser parser;
    std::string body(reinterpret_cast<const char*>(data), size);
    harvest::sources::glycosmos_sequences seqs;
    seqs.wurcs = "untouched";
    if (!harvest::sources::parse_gtcid2seqs(parser, body, seqs).empty() && seqs.wurcs != "untouched") std::abort();
    return 0;
}
