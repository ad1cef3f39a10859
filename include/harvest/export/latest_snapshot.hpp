#pragma once
// `harvest export --latest`: compacts a dataset that several runs wrote (a full harvest, then
// incremental runs adding the records that changed) into one deduplicated snapshot: every id
// once, as the latest run wrote it. The manifest says which files make up the dataset and in
// what order they were written; each file is checked against its SHA-256 before it is read.
#include <harvest/export/manifest.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace harvest::exporting {

struct snapshot_result {
    std::uint64_t records = 0;    // lines written: distinct ids
    std::uint64_t superseded = 0; // older versions left out
    std::uint64_t files = 0;      // dataset files read
    std::uint64_t datasets = 0;   // manifests read (the shards of a set)
    manifest snapshot;            // the snapshot's own (not for "-"): its file, counts, the source's fields
};

// The manifests of `datasets`: each a dataset directory (with manifest.json) or a directory
// holding such directories (the shards of a set). Throws harvest::failure (setting "dataset").
std::vector<std::filesystem::path> find_manifests(const std::vector<std::filesystem::path>& datasets);

// Several manifests must be one complete shard set: every one a shard, the same N and
// selection, each K from 0 to N-1 once. Throws harvest::failure (setting "dataset") naming what
// is missing or mixed.
void check_shard_set(const std::vector<std::filesystem::path>& paths, const std::vector<manifest>& manifests);

// Writes the snapshot of the datasets to `out` atomically: .jsonl, .jsonl.gz, .jsonl.zst (in
// `out_file`, the snapshot's dataset directory) or "-". `split`: only that split's files. Throws
// harvest::failure for bad manifests, a shard set that is not one, or a bad output path, and
// std::runtime_error naming the file for an unreadable, corrupt or altered dataset file.
snapshot_result write_latest_snapshot(const std::vector<std::filesystem::path>& manifests, const std::string& out_file,
                                      const std::optional<std::string>& split);

} // namespace harvest::exporting
