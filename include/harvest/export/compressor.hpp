#pragma once
// Streaming compression of output files: identity, gzip (zlib) or zstd. Each output file is one
// gzip member or one zstd frame, closed by finish(); flush() makes everything written so far
// decodable (a crash-safe point to truncate back to). decompressor reads them back.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace harvest::exporting {

enum class compression { none, gzip, zstd };

// From an output path: ".jsonl" none, ".jsonl.gz" gzip, ".jsonl.zst" zstd; nullopt otherwise.
std::optional<compression> compression_for(std::string_view path) noexcept;
std::string_view extension(compression c) noexcept; // ".jsonl", ".jsonl.gz", ".jsonl.zst"

class compressor {
public:
    virtual ~compressor() = default;
    // Compresses `in`, appending output bytes to `out`.
    virtual void write(std::string_view in, std::string& out) = 0;
    // Emits everything written so far (zlib sync flush, zstd flush) without ending the stream.
    virtual void flush(std::string& out) = 0;
    // Ends the stream (gzip trailer, zstd frame end), appending to `out`.
    virtual void finish(std::string& out) = 0;

    static std::unique_ptr<compressor> make(compression c);
};

class decompressor {
public:
    virtual ~decompressor() = default;
    // Decodes the next piece of the stream, appending to `out`; false on corrupt data. A stream
    // cut after a flush() decodes to everything written before it.
    virtual bool write(std::string_view in, std::string& out) = 0;

    static std::unique_ptr<decompressor> make(compression c);
};

} // namespace harvest::exporting
