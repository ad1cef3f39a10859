#pragma once
// A JSONL output file written under a temporary name beside its final path and renamed into
// place only when complete (after fsync), so a reader never sees a partial file. "-" writes to
// standard output instead. Counts records and bytes and computes the SHA-256 as it goes.
#include <harvest/export/compressor.hpp>
#include <harvest/export/sha256.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace harvest::exporting {

class jsonl_file {
public:
    // Throws std::runtime_error naming the path when the directory is missing or not writable.
    explicit jsonl_file(std::filesystem::path final_path, compression c = compression::none);
    ~jsonl_file(); // an uncommitted file is removed
    jsonl_file(const jsonl_file&) = delete;
    jsonl_file& operator=(const jsonl_file&) = delete;

    // Appends complete lines (each ending in '\n'); throws naming the path on a write error.
    void write(std::string_view lines, std::size_t records);
    // Compresses and writes what write() buffered (one unit per batch); commit() flushes too.
    void flush();
    // Makes every line written so far durable in the temporary file (compressor flush, fdatasync):
    // its first bytes() bytes then decode to exactly those lines, whatever happens next.
    void sync();
    // Flushes, fsyncs and renames into place (for stdout: flushes).
    void commit();

    const std::filesystem::path& path() const noexcept { return final_; }
    const std::filesystem::path& temp_path() const noexcept { return temp_; }
    std::uint64_t records() const noexcept { return records_; }
    std::uint64_t bytes() const noexcept { return bytes_; } // as written to disk (compressed)
    std::string sha256_hex() const; // valid after commit()

private:
    void write_out(); // writes encoded_ and hashes it
    std::filesystem::path final_, temp_;
    std::FILE* file_ = nullptr;
    bool to_stdout_ = false;
    bool committed_ = false;
    std::uint64_t records_ = 0, bytes_ = 0;
    std::unique_ptr<sha256> digest_;
    std::unique_ptr<compressor> compressor_;
    std::string pending_, encoded_;
    std::string sha256_;
};

// Writes `content` to `path` atomically (temporary file, fsync, rename).
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

} // namespace harvest::exporting
