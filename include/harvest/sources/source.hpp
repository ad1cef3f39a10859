#pragma once
// What `harvest collect` needs from a source: targets from --ids lines or from the source's own
// enumeration, and one fetch per target that yields a typed record or a failure.
#include <harvest/error.hpp>
#include <harvest/export/json_writer.hpp>
#include <harvest/sources/record.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace harvest::sources {

// One thing to harvest, as the scheduler and the state know it: no source's own fields (what a
// listing told a source about a target stays inside that source).
struct target {
    std::string id;                        // canonical, the state's key: accession, project, project==version
    std::optional<std::uint64_t> revision; // the listing's change counter for it (PyPI's _last-serial)
    bool listed = false;                   // came from the source's enumeration
    std::string etag;                      // revalidate: send If-None-Match with it (--incremental)
};

// A target that could not be harvested, with what failures.jsonl records.
struct target_failure {
    std::string id;
    std::string url;
    unsigned last_status = 0;
    std::string reason;
    int attempts = 0;
    bool permanent = false; // fetching again would fail the same way (404, malformed body)
};

// A 4xx the retry policy does not retry: asking again will not help.
inline bool is_permanent_status(unsigned status) noexcept {
    return status >= 400 && status < 500 && status != 408 && status != 429;
}

// The start of `incomplete` for a record written from a stale copy (a CDN's page older than the
// index said the project is): complete, but not the newest.
inline constexpr std::string_view stale_page_reason = "stale page";

struct fetched {
    std::string id; // the record's canonical id (a renamed project answers under its new name)
    record_ptr record;
    std::optional<std::uint64_t> revision; // the record's own change counter (PyPI's X-PyPI-Last-Serial)
    std::vector<std::string> discovered; // ids this record points at (--follow-deps)
    std::string etag;                    // validator for the next revalidation, if the service sent one
    std::string incomplete;              // why part of the record is missing (a service failed), or why it is not current
                                         // (stale_page_reason...): written, and fetched again later
    int attempts = 0;                    // HTTP requests it took, retries included
};

// A revalidated target that the service says has not changed (HTTP 304).
struct not_modified {
    std::string id;
    std::string etag;
    int attempts = 0;
};

using outcome = std::variant<fetched, not_modified, target_failure>;

// Data a run produced beside the records (PyPI's dependency edges): `name`.jsonl's new lines.
struct source_table {
    std::string name;
    std::string lines; // JSONL
};

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
    // The next part of the enumeration; `done` once there is no more. An error ends the listing.
    virtual boost::asio::awaitable<std::optional<error>> list(std::vector<target>& out, bool& done) = 0;
    // Targets that did not come from the listing (--ids, a resumed run's pending ones) can be
    // looked up in bulk, this many per request, before they are fetched; 0: no bulk lookup.
    virtual std::size_t lookup_block() const noexcept { return 0; }
    // Looks up such a block; fetch() then serves what was found. A failed lookup is no error:
    // fetch() gets those targets one by one.
    virtual boost::asio::awaitable<void> look_up(std::vector<target> /*block*/) { co_return; }
    // The target's record; with t.etag set, not_modified when the service says it is unchanged.
    virtual boost::asio::awaitable<outcome> fetch(const target& t) = 0;
    // What chose the targets, for the manifest and the state (URL credentials redacted).
    virtual void write_selection(exporting::json_writer& w) const = 0;
    // The tables the fetches so far produced, taken (none for most sources).
    virtual std::vector<source_table> tables() { return {}; }
    // Whether every target's record is needed even where the dataset has it (a dependency
    // closure decides its edges from them): then a resumed or incremental run fetches it again.
    virtual bool needs_every_record() const noexcept { return false; }
};

} // namespace harvest::sources
