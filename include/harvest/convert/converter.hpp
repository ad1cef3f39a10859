#pragma once
// The training-data converter: turns a batch of records into JSONL lines in one of the output
// formats. Pure: no I/O.
#include <harvest/convert/training_record.hpp>
#include <harvest/export/json_writer.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace harvest::convert {

inline constexpr int schema_version = 1;

enum class output_format { raw, text, chat };

std::optional<output_format> parse_output_format(std::string_view name) noexcept;
std::string_view to_string(output_format format) noexcept; // "raw", "text", "chat"

// Appends the record's JSON line (ending in '\n') to `out`.
void convert_record(const training_record& item, output_format format, std::string& out);

// What "changed" means for --incremental: the SHA-256 (hex) of the record's raw line without
// its fetch time.
std::string content_hash(const training_record& item);

} // namespace harvest::convert
