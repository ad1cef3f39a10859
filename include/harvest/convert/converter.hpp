#pragma once
// The training-data converter: turns a batch of records into JSONL lines in one of the output
// formats. Pure: no I/O.
#include <harvest/convert/training_record.hpp>
#include <harvest/export/json_writer.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace harvest::convert {

inline constexpr int schema_version = 1;

enum class output_format { raw, text };

std::optional<output_format> parse_output_format(std::string_view name) noexcept;

// Appends one JSON line per record (each ending in '\n') to `out`.
void convert_batch(std::span<const training_record> batch, output_format format, std::string& out);

// The typed fields of a record as one JSON object (the "record" member of the raw format).
void write_record_object(exporting::json_writer& w, const record_variant& record);

// A faithful English rendering of the record's present fields, for language-model training.
std::string render_text(const record_variant& record);

} // namespace harvest::convert
