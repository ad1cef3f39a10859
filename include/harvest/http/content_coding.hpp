#pragma once
// HTTP content codings (RFC 9110 §8.4): gzip and deflate, with a hard cap on the decoded
// size so that a small compressed body cannot expand without bound (decompression bomb).
#include <harvest/error.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace harvest::http {

enum class content_coding { identity, gzip, deflate };

// Parses a Content-Encoding value; false when the coding is not one we can decode.
bool parse_content_coding(std::string_view header, content_coding& out) noexcept;

// Compresses `in` as a gzip member (what a server sends with `Content-Encoding: gzip`).
std::string gzip_compress(std::string_view in);

// Decodes `in` into `out`; fails with errc::body_too_large as soon as the decoded size
// would pass `limit`, without decoding further.
std::error_code decode_body(content_coding coding, std::string_view in, std::size_t limit, std::string& out);

// Decodes a body as it arrives: each feed() hands the decoded bytes to `sink`, failing with
// errc::body_too_large once more than `limit` bytes came out, and finish() fails if a
// compressed stream ended early.
class body_decoder {
public:
    using sink = std::function<void(std::string_view)>;

    body_decoder(content_coding coding, std::size_t limit);
    ~body_decoder();
    body_decoder(const body_decoder&) = delete;
    body_decoder& operator=(const body_decoder&) = delete;

    std::error_code feed(std::string_view in, const sink& out);
    std::error_code finish();
    std::size_t produced() const noexcept { return produced_; }

private:
    struct zstate;
    content_coding coding_;
    std::size_t limit_;
    std::size_t produced_ = 0;
    std::unique_ptr<zstate> z_;
};

} // namespace harvest::http
