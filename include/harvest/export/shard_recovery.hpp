#pragma once
// Start-up repair of shards a crashed run left behind. The state store knows, per open shard,
// how many bytes of its temporary file were durable when the state last committed; everything
// after that is an uncommitted batch whose records are fetched again.
#include <harvest/export/compressor.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace harvest::exporting {

struct file_summary {
    std::uint64_t bytes = 0;
    std::string sha256;
};

// Size and SHA-256 of a file; throws std::runtime_error naming it when it cannot be read.
file_summary summarize_file(const std::filesystem::path& path);

// Completes the shard `final_path` from the first `committed_bytes` of its temporary file
// (decoded and written again as one complete file, then renamed into place) and removes the
// temporary. Throws std::runtime_error naming the file when the prefix does not decode.
file_summary complete_temporary(const std::filesystem::path& temp, const std::filesystem::path& final_path,
                                compression c, std::uint64_t committed_bytes);

} // namespace harvest::exporting
