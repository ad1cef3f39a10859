#pragma once
// The output dataset: one file, or numbered shards, per split. Records are routed to a split by
// a stable hash of their id (same split on every run and machine); shards are numbered after the
// highest number already on disk, so a later run never overwrites an earlier shard (an
// unsharded output whose file exists continues as numbered files). Every file is written under
// a temporary name and renamed into place when complete. A full shard is renamed only when the
// caller says so (seal_full), after it has recorded the batch that filled it.
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
// harvest::failure (setting "split") saying what is wrong.
std::vector<split_spec> parse_splits(std::string_view text);

// The split `id` belongs to: FNV-1a 64 of the id (offset basis 1469598103934665603, see
// dataset_writer.cpp), as a fraction of 2^64, against the cumulative fractions in the order given.
const std::string& assign_split(std::string_view id, const std::vector<split_spec>& splits);

struct shard_info {
    std::string path; // file name, beside the manifest
    std::string split;
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    std::string sha256;
};

// Throws harvest::failure (for `setting`, naming the path) for a bad output path, shards or
// splits on standard output, or a directory that is missing or not writable.
void validate_output(const std::string& out, std::optional<std::size_t> shard_size, const std::vector<split_spec>& splits,
                     std::string_view setting = "out");
// The same for a file harvest writes beside the data (--summary, --metrics-file, --state): not a
// directory, in a directory that exists and takes new files.
void validate_writable_file(const std::string& path, std::string_view setting);

// What a file name in the output directory says, if the output `stem` with compression `c`
// would have written it: "glycans.train-00003.jsonl.zst" is split train, shard 3.
struct output_name {
    std::string split; // "all" without --split
    std::optional<unsigned> number;
};
std::optional<output_name> parse_output_name(std::string_view stem, compression c, std::string_view file_name);

// An unfinished shard: its first `bytes` bytes in `temp` hold `records` complete lines.
struct shard_progress {
    std::string path; // final file name, beside the manifest
    std::string split;
    std::string temp; // full path of the temporary file
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
};

class dataset_writer {
public:
    // `out`: a path ending in .jsonl, .jsonl.gz or .jsonl.zst, or "-" (stdout: no shards or splits).
    // Throws harvest::failure as validate_output does.
    dataset_writer(std::string out, std::optional<std::size_t> shard_size, std::vector<split_spec> splits);
    ~dataset_writer();

    // Adds one line (ending in '\n') for record `id`; returns the name of the shard it went to.
    std::string add(std::string_view id, std::string_view line);
    // Writes everything added since the last flush (once per batch).
    void flush();
    // Makes everything added so far durable; returns every unfinished shard's progress.
    std::vector<shard_progress> sync();
    // Completes the shards that reached --shard-size; returns them.
    std::vector<shard_info> seal_full();
    // Completes every file; returns the ones completed now.
    std::vector<shard_info> commit();

    const std::vector<shard_info>& shards() const noexcept { return done_; }
    const std::string& directory() const noexcept { return dir_; } // "" for the current one
    const std::string& stem() const noexcept { return stem_; }
    compression file_compression() const noexcept { return compression_; }
    std::map<std::string, std::uint64_t> split_counts() const;
    std::uint64_t records() const noexcept { return records_; }
    std::uint64_t bytes() const noexcept;

private:
    struct open_shard {
        std::string split;
        std::string name;
        std::unique_ptr<jsonl_file> file;
    };
    open_shard& shard_for(const std::string& split);
    shard_info complete(open_shard& s);
    std::string file_name(const std::string& split, unsigned number) const;

    std::string out_;
    std::string dir_, stem_; // "data", "glycans" for data/glycans.jsonl.zst
    compression compression_ = compression::none;
    std::optional<std::size_t> shard_size_;
    std::vector<split_spec> splits_;
    bool numbered_ = false; // -NNNNN names: --shard-size, or an unsharded file already exists
    std::map<std::string, open_shard> open_;
    std::vector<open_shard> full_; // reached --shard-size, not yet renamed
    std::map<std::string, unsigned> next_number_;
    std::vector<shard_info> done_;
    std::uint64_t records_ = 0;
};

} // namespace harvest::exporting
