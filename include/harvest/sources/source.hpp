#pragma once
// What `harvest collect` needs from a source: targets from --ids lines or from the source's own
// enumeration, and one fetch per target that yields a typed record or a failure.
#include <harvest/export/json_writer.hpp>
#include <harvest/sources/glycan_record.hpp>
#include <harvest/sources/pypi_record.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace harvest::sources {

using record_variant = std::variant<glycan_record, pypi_record>;

struct target {
    std::string id;                      // canonical: accession, or normalised project name
    std::optional<std::string> version;  // pypi "name==version" lines
    std::optional<std::string> wurcs;    // glycans: the enumeration's WURCS binding
    std::optional<std::uint64_t> serial; // pypi: the index's _last-serial
    bool listed = false;                 // came from the source's enumeration
};

// A target that could not be harvested, with what failures.jsonl records.
struct target_failure {
    std::string id;
    std::string url;
    unsigned last_status = 0;
    std::string reason;
    int attempts = 0;
};

struct fetched {
    std::string id; // the record's canonical id (a renamed project answers under its new name)
    record_variant record;
    std::vector<std::string> discovered; // ids this record points at (--follow-deps)
};

using outcome = std::variant<fetched, target_failure>;

// A service base URL as configured, without trailing slashes (paths are appended to it).
inline std::string without_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

class source {
public:
    virtual ~source() = default;

    virtual std::string_view name() const noexcept = 0;
    // One --ids line (already trimmed, non-empty); throws std::invalid_argument saying why not.
    virtual target parse_id(std::string_view line) const = 0;
    // The next part of the enumeration; `done` once there is no more.
    virtual boost::asio::awaitable<std::string> list(std::vector<target>& out, bool& done) = 0;
    virtual boost::asio::awaitable<outcome> fetch(const target& t) = 0;
    // What chose the targets, for the manifest.
    virtual void write_selection(exporting::json_writer& w) const = 0;
};

} // namespace harvest::sources
