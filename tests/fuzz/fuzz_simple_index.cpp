// The PEP 691 index: the whole-body parser and the streaming splitter (fed in pieces whose size
// comes from the input) must agree on every input that both accept.
#include <harvest/sources/pypi/pypi_parsers.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static simdjson::ondemand::parser parser;
    if (size == 0) return 0;
    const std::size_t piece = 1 + data[0] % 64;
    const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::string body = input;
    std::vector<harvest::sources::index_entry> whole;
    std::size_t skipped = 0;
    const bool whole_ok = harvest::sources::parse_simple_index(parser, body, whole, skipped).empty();
    for (const auto& e : whole)
        if (e.name.empty()) std::abort();

    std::vector<harvest::sources::index_entry> streamed;
    harvest::sources::simple_index_stream stream([&](harvest::sources::index_entry e) { streamed.push_back(std::move(e)); });
    std::string error;
    for (std::size_t i = 0; i < input.size() && error.empty(); i += piece) error = stream.feed(std::string_view(input).substr(i, piece));
    if (error.empty()) error = stream.finish();
    for (const auto& e : streamed)
        if (e.name.empty()) std::abort();
    // On valid JSON that both accept as an index, both see the same projects.
    static simdjson::dom::parser validator;
    if (whole_ok && error.empty() && validator.parse(input).error() == simdjson::SUCCESS) {
        if (streamed.size() != whole.size()) std::abort();
        for (std::size_t i = 0; i < whole.size(); ++i)
            if (streamed[i].name != whole[i].name || streamed[i].last_serial != whole[i].last_serial) std::abort();
    }
    return 0;
}
