#pragma once
// The training-data converter: turns a batch of records into JSONL lines in one of the output
// formats. Pure: no I/O.
#include <harvest/convert/training_record.hpp>
#include <harvest/export/json_writer.hpp>

#include <optional>
#include <vector>
#include <string>
#include <string_view>

namespace harvest::convert {

inline constexpr int schema_version = 1;

enum class output_format { raw, text, chat };

std::optional<output_format> parse_output_format(std::string_view name) noexcept;

// Appends the record's JSON line (ending in '\n') to `out`.
void convert_record(const training_record& item, output_format format, std::string& out);

struct chat_turn {
    std::string question;
    std::string answer;
};

// Question-answer pairs derived only from the fields the record has, in a fixed order.
std::vector<chat_turn> chat_turns(const record_variant& record);

// The typed fields of a record as one JSON object (the "record" member of the raw format).
void write_record_object(exporting::json_writer& w, const record_variant& record);

// A faithful English rendering of the record's present fields, for language-model training.
std::string render_text(const record_variant& record);

} // namespace harvest::convert
