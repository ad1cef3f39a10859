#pragma once
// The output dataset: one file, or numbered shards, per split. Records are routed to a split by
// a stable hash of their id (same split on every run and machine); shards are numbered after the
// highest number already on disk, so a later run never overwrites an earlier shard. Every file
// is written under a temporary name and renamed into place when complete.
#include <harvest/export/compressor.hpp>
#include <harvest/export/jsonl_file.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::exporting {

struct split_spec {
    std::string name;
    double fraction = 1.0;
};

// "train=0.9,val=0.05,test=0.05": names [a-z0-9_-], fractions > 0 summing to 1. Throws
// std::invalid_argument saying what is wrong.
std::vector<split_spec> parse_splits(std::string_view text);

// The split `id` belongs to: FNV-1a 64 of the id, as a fraction of 2^64, against the cumulative
// fractions in the order given.
const std::string& assign_split(std::string_view id, const std::vector<split_spec>& splits);

struct shard_info {
    std::string path; // file name, beside the manifest
    std::string split;
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    std::string sha256;
};

class dataset_writer {
public:
    // `out`: a path ending in .jsonl, .jsonl.gz or .jsonl.zst, or "-" (stdout: no shards or splits).
    // Throws std::invalid_argument for a bad combination or a missing directory.
    dataset_writer(std::string out, std::optional<std::size_t> shard_size, std::vector<split_spec> splits);
    ~dataset_writer();

    // Adds one line (ending in '\n') for record `id`; a full shard is completed at once.
    void add(std::string_view id, std::string_view line);
    // Writes everything added since the last flush (once per batch).
    void flush();
    // Completes every open file.
    void commit();

    const std::vector<shard_info>& shards() const noexcept { return done_; }
    std::map<std::string, std::uint64_t> split_counts() const;
    std::uint64_t records() const noexcept { return records_; }
    std::uint64_t bytes() const noexcept;

private:
    struct open_shard {
        std::string split;
        std::unique_ptr<jsonl_file> file;
    };
    open_shard& shard_for(const std::string& split);
    void complete(open_shard& s);
    std::string file_name(const std::string& split, unsigned number) const;

    std::string out_;
    std::string dir_, stem_; // "data", "glycans" for data/glycans.jsonl.zst
    compression compression_ = compression::none;
    std::optional<std::size_t> shard_size_;
    std::vector<split_spec> splits_;
    std::map<std::string, open_shard> open_;
    std::map<std::string, unsigned> next_number_;
    std::vector<shard_info> done_;
    std::uint64_t records_ = 0;
};

} // namespace harvest::exporting
