#pragma once
// `harvest export --latest`: compacts a dataset that several runs wrote (a full harvest, then
// incremental runs adding the records that changed) into one deduplicated snapshot: every id
// once, as the latest run wrote it. The manifest says which files make up the dataset and in
// what order they were written; each file is checked against its SHA-256 before it is read.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace harvest::exporting {

struct snapshot_result {
    std::uint64_t records = 0;    // lines written: distinct ids
    std::uint64_t superseded = 0; // older versions left out
    std::uint64_t files = 0;      // dataset files read
};

// Writes the snapshot to `out` (.jsonl, .jsonl.gz, .jsonl.zst, or "-"), atomically. `split`:
// only that split's files. Throws harvest::failure for a bad manifest or output path and
// std::runtime_error naming the file for an unreadable, corrupt or altered dataset file.
snapshot_result write_latest_snapshot(const std::filesystem::path& manifest, const std::string& out,
                                      const std::optional<std::string>& split);

} // namespace harvest::exporting
