#pragma once
// manifest.json: the dataset as its state knows it, every complete shard of every run and the
// runs themselves. `harvest collect` writes it and `harvest export --latest` reads it: one type,
// one schema.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace harvest::exporting {

struct manifest_file {
    std::string path; // file name, beside the manifest
    std::int64_t run = 0;
    std::string split;
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    std::string sha256;
};

struct manifest_run {
    std::int64_t run = 0;
    std::string mode, started_at, finished_at, finish_reason; // finish_reason "crashed": never finished
    std::uint64_t records = 0, unchanged = 0, failures = 0;
};

// One shard of a harvest split over N processes: which, and what the whole set selected.
struct manifest_shard {
    std::size_t k = 0, n = 1;
    std::string selection_sha256; // every shard of one set has the same
};

struct manifest {
    std::string version; // harvest's
    std::string command_line;
    std::string source;
    std::string selection_json; // a JSON object: what chose the targets
    std::string format;
    int schema_version = 0;
    std::string started_at, finished_at, finish_reason;
    std::vector<manifest_file> files; // in the order they were written
    std::vector<manifest_run> runs;
    std::uint64_t failures = 0;
    std::uint64_t incomplete = 0; // records written without part of their data, or from a stale page (fetched again later)
    std::uint64_t stale = 0;      // of those, written from a stale page
    std::optional<manifest_shard> shard;

    std::uint64_t records() const noexcept;
    std::map<std::string, std::uint64_t> split_records() const;
    std::string to_json() const; // one line, ending in '\n'
};

// Reads a manifest.json. Throws harvest::failure (invalid_input) naming the file when it is not
// one harvest wrote.
manifest read_manifest(const std::filesystem::path& path);

} // namespace harvest::exporting
