#pragma once
// One PyPI project (or one release of it), from the JSON API. Every field may be missing.
#include <harvest/sources/record.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace harvest::sources {

struct pypi_record {
    std::string name;    // as the project spells it (info.name)
    std::string version; // info.version: the latest release, or the one asked for
    std::optional<std::string> summary;
    std::optional<std::string> license; // license_expression when present, else license
    std::optional<std::string> requires_python;
    std::vector<std::string> requires_dist; // null -> empty
    std::vector<std::string> provides_extra;
    std::vector<std::string> classifiers;
    std::optional<std::string> keywords;
    std::optional<std::string> author;
    std::optional<std::string> maintainer;
    std::optional<std::string> home_page;
    std::vector<std::pair<std::string, std::string>> project_urls;
    std::vector<std::string> versions; // by first upload, releases without files last in listed order
    std::size_t release_count = 0;
    std::optional<std::string> latest_upload; // newest upload time of any file, ISO 8601
    // Which API gave versions, release_count and latest_upload: "json_api" (the project JSON's
    // `releases`, deprecated) or "index_api" (the PEP 691 project page); empty: neither yet.
    std::string versions_from;
    std::optional<std::string> project_status; // PEP 792 (index API only): active, archived, quarantined, deprecated
    std::optional<bool> yanked;
    std::optional<std::string> yanked_reason;
    std::optional<std::uint64_t> last_serial; // body's last_serial, else X-PyPI-Last-Serial
    std::optional<std::size_t> vulnerability_count;
    std::optional<std::string> description; // only with --with-description
};

// The renderings typed_record<pypi_record> calls (record.hpp).
void write_record_object(exporting::json_writer& w, const pypi_record& r);
std::string render_text(const pypi_record& r);
std::vector<chat_turn> chat_turns(const pypi_record& r);

} // namespace harvest::sources
