#pragma once
// The durable state of one output dataset: SQLite in WAL mode, beside the output by default.
// Per target (source, id): status, attempts, last HTTP status, validators (ETag, PyPI serial),
// content hash and the shard holding its current line; per run: start, finish, reason, counts;
// per shard: open (temporary file and its committed size) or complete (size and SHA-256).
// Every batch is one transaction, committed after the batch's shard bytes are durable.
#include <harvest/error.hpp>
#include <harvest/export/dataset_writer.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

struct sqlite3;

namespace harvest::state {

// The state file cannot be used: not a database, another program's database, a newer schema.
// (Failures after opening, such as a full disk, are std::runtime_error.)
class state_error : public failure {
public:
    state_error(const std::string& file, const std::string& why) : failure(errc::invalid_input, "state", file + ": " + why) {}
};

enum class target_status { pending, done, failed };

struct target_state {
    target_status status = target_status::pending;
    bool permanent = false; // failed: not worth fetching again on --resume
    int attempts = 0;
    unsigned last_status = 0;
    std::string etag;
    std::optional<std::uint64_t> last_serial;
    std::string content_hash;
    std::string shard;
    bool incomplete = false; // done, but written without part of its data: fetched again
};

// One change to a target, applied in a batch's transaction. Empty or unset fields keep the
// stored value (an unchanged record keeps its shard and hash).
struct target_update {
    std::string id;
    target_status status = target_status::done;
    bool permanent = false;
    int attempts = 0;
    unsigned last_status = 0;
    std::string url;
    std::string reason;
    std::string etag;
    std::optional<std::uint64_t> last_serial;
    std::string content_hash;
    std::string shard;
    bool incomplete = false; // done: set as the record written now is (reason says why)
};

struct stored_shard {
    std::string name; // file name beside the manifest
    std::string split;
    std::int64_t run = 0;
    bool complete = false;
    std::string temp; // open: the temporary file
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    std::string sha256;
};

struct stored_run {
    std::int64_t run = 0;
    std::string mode, selection, started_at, finished_at, finish_reason;
    std::uint64_t records = 0, unchanged = 0, failures = 0;
};

// What every record of a dataset shares: the output format and the record schema version.
struct dataset_shape {
    std::string format; // raw, text, chat ("" : unknown)
    int record_schema = 0;
};

struct stored_failure {
    std::string id, url, reason;
    unsigned last_status = 0;
    int attempts = 0;
};

class state_store {
public:
    // Opens or creates the state file. Throws state_error naming the file when it is not a
    // harvest state file (or is corrupt).
    explicit state_store(const std::filesystem::path& path);
    ~state_store();
    state_store(const state_store&) = delete;
    state_store& operator=(const state_store&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

    std::vector<stored_run> runs() const;
    // The source the dataset holds, if any run recorded one.
    std::optional<std::string> source() const;
    std::int64_t begin_run(const std::string& source, const std::string& mode, const std::string& selection,
                           const std::string& command_line, const std::string& started_at, const dataset_shape& shape = {});
    // The shape the latest run that recorded one wrote (runs of schema 2 and before did not).
    std::optional<dataset_shape> shape() const;
    void finish_run(std::int64_t run, const std::string& finished_at, const std::string& reason, std::uint64_t records,
                    std::uint64_t unchanged, std::uint64_t failures);

    std::unordered_map<std::string, target_state> targets(const std::string& source) const;
    std::vector<stored_failure> failures(const std::string& source) const;
    // Why each record written incomplete (or from a stale page) is so, one reason per record.
    std::vector<std::string> incomplete_reasons(const std::string& source) const;
    std::vector<stored_shard> shards() const;

    // One batch: target changes, discovered targets (added as pending when new) and the progress
    // of the shards the batch wrote to. One transaction.
    void commit_batch(std::int64_t run, const std::string& source, const std::vector<target_update>& updates,
                      const std::vector<std::string>& discovered, const std::vector<exporting::shard_progress>& shards);
    // Shards renamed into place.
    void record_complete(std::int64_t run, const std::vector<exporting::shard_info>& shards);
    // A shard whose file is gone: its targets are pending again.
    void forget_shard(const std::string& name);

private:
    void exec(const char* sql) const;
    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
};

} // namespace harvest::state
