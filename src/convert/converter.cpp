#include <harvest/convert/converter.hpp>

#include <harvest/export/json_writer.hpp>
#include <harvest/export/sha256.hpp>

namespace harvest::convert {

std::optional<output_format> parse_output_format(std::string_view name) noexcept {
    if (name == "raw") return output_format::raw;
    if (name == "text") return output_format::text;
    if (name == "chat") return output_format::chat;
    return std::nullopt;
}

std::string_view to_string(output_format format) noexcept {
    switch (format) {
    case output_format::raw: return "raw";
    case output_format::text: return "text";
    case output_format::chat: return "chat";
    }
    return "raw";
}

namespace {

void write_line(const training_record& item, std::string_view fetched_at, output_format format, std::string& out) {
    exporting::json_writer w(out);
    w.begin_object().key("id").value(item.id).key("source").value(item.source);
    switch (format) {
    case output_format::raw:
        w.key("fetched_at").value(fetched_at).key("schema_version").value(schema_version).key("record");
        item.record->write_object(w);
        break;
    case output_format::text:
        w.key("text").value(item.record->text());
        break;
    case output_format::chat:
        w.key("messages").begin_array();
        for (const auto& turn : item.record->chat()) {
            w.begin_object().key("role").value("user").key("content").value(turn.question).end_object();
            w.begin_object().key("role").value("assistant").key("content").value(turn.answer).end_object();
        }
        w.end_array();
        break;
    }
    w.end_object();
    out += '\n';
}

} // namespace

void convert_record(const training_record& item, output_format format, std::string& out) { write_line(item, item.fetched_at, format, out); }

std::string content_hash(const training_record& item) {
    std::string canonical;
    write_line(item, "", output_format::raw, canonical);
    return exporting::sha256_hex(canonical);
}

} // namespace harvest::convert
