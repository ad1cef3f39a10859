#include <harvest/http/content_coding.hpp>

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace harvest::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// zlib's window-bits: 16+ selects a gzip wrapper, 32+ lets inflate detect zlib or gzip.
constexpr int gzip_window_bits = 16 + MAX_WBITS;
constexpr int auto_window_bits = 32 + MAX_WBITS;

constexpr int raw_deflate_window_bits = -MAX_WBITS;

// Whole bodies are decoded with libdeflate: 1.6 times (8 KB) to 3 times (190 KB) faster than
// zlib's inflate on the PyPI bodies. Streams (body_decoder below) stay with zlib.
enum class wrapper { gzip, zlib, raw };

libdeflate_decompressor* decompressor() {
    struct owner {
        libdeflate_decompressor* d = libdeflate_alloc_decompressor();
        ~owner() { libdeflate_free_decompressor(d); }
    };
    thread_local owner o;
    if (!o.d) throw std::bad_alloc();
    return o.d;
}

libdeflate_result decompress(wrapper w, std::string_view in, std::string& out, std::size_t& produced) {
    auto* d = decompressor();
    switch (w) {
    case wrapper::gzip: return libdeflate_gzip_decompress(d, in.data(), in.size(), out.data(), out.size(), &produced);
    case wrapper::zlib: return libdeflate_zlib_decompress(d, in.data(), in.size(), out.data(), out.size(), &produced);
    case wrapper::raw: break;
    }
    return libdeflate_deflate_decompress(d, in.data(), in.size(), out.data(), out.size(), &produced);
}

// libdeflate wants the output buffer up front. The first guess is gzip's trailer (the size mod
// 2^32, at least the input's size) or four times the input, never more than deflate's 1032:1
// ratio lets the input make (so a lying trailer buys nothing) nor than the limit; the buffer
// doubles until it fits.
std::size_t first_guess(wrapper w, std::string_view in, std::size_t limit) {
    std::size_t guess = 4 * in.size();
    if (w == wrapper::gzip && in.size() >= 18) {
        const auto* t = reinterpret_cast<const unsigned char*>(in.data() + in.size() - 4);
        const std::size_t trailer = std::size_t{t[0]} | std::size_t{t[1]} << 8 | std::size_t{t[2]} << 16 | std::size_t{t[3]} << 24;
        guess = std::max(trailer, in.size()); // below the input only when it wrapped past 4 GiB (or lies)
    }
    return std::max<std::size_t>(1, std::min({guess, 1032 * in.size() + 1024, limit}));
}

// Decodes all of `in` into `out`; body_too_large as soon as the output would pass `limit`.
std::error_code decompress_all(wrapper w, std::string_view in, std::size_t limit, std::string& out) {
    for (std::size_t capacity = first_guess(w, in, limit);; capacity = std::min(limit, 2 * capacity)) {
        out.resize(capacity);
        std::size_t produced = 0;
        const auto rc = decompress(w, in, out, produced);
        if (rc == LIBDEFLATE_SUCCESS) {
            out.resize(produced);
            if (out.capacity() > 2 * produced + 4096) out.shrink_to_fit(); // the guess was far too big
            return {};
        }
        if (rc != LIBDEFLATE_INSUFFICIENT_SPACE) return errc::bad_content_coding;
        if (capacity >= limit) return errc::body_too_large;
    }
}

} // namespace

bool parse_content_coding(std::string_view header, content_coding& out) noexcept {
    const auto v = trim(header);
    if (v.empty() || iequals(v, "identity")) { out = content_coding::identity; return true; }
    if (iequals(v, "gzip") || iequals(v, "x-gzip")) { out = content_coding::gzip; return true; }
    if (iequals(v, "deflate")) { out = content_coding::deflate; return true; }
    return false;
}

std::string gzip_compress(std::string_view in) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip_window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("gzip_compress: deflateInit2 failed");
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("gzip_compress: deflate did not finish");
    return out;
}

std::error_code decode_body(content_coding coding, std::string_view in, std::size_t limit, std::string& out) {
    out.clear();
    if (coding == content_coding::identity) {
        if (in.size() > limit) return errc::body_too_large;
        out.assign(in);
        return {};
    }
    // "deflate" in HTTP means a zlib stream, but some servers send raw deflate: it is tried
    // next, as browsers and curl do. Either coding may come gzip-wrapped (its magic bytes say).
    const bool gzip_magic = in.size() >= 2 && in[0] == '\x1f' && in[1] == '\x8b';
    auto ec = decompress_all(gzip_magic ? wrapper::gzip : wrapper::zlib, in, limit, out);
    if (ec == errc::bad_content_coding && coding == content_coding::deflate && !gzip_magic)
        ec = decompress_all(wrapper::raw, in, limit, out);
    if (ec) out.clear();
    return ec;
}

struct body_decoder::zstate {
    z_stream zs{};
    bool ended = false;
    bool started = false; // produced output or consumed input successfully
    bool raw = false;
    ~zstate() { inflateEnd(&zs); }
};

body_decoder::body_decoder(content_coding coding, std::size_t limit) : coding_(coding), limit_(limit) {
    if (coding_ == content_coding::identity) return;
    z_ = std::make_unique<zstate>();
    if (inflateInit2(&z_->zs, auto_window_bits) != Z_OK) throw std::runtime_error("body_decoder: inflateInit2 failed");
}

body_decoder::~body_decoder() = default;

std::error_code body_decoder::feed(std::string_view in, const sink& out) {
    if (coding_ == content_coding::identity) {
        if (produced_ + in.size() > limit_) return errc::body_too_large;
        produced_ += in.size();
        out(in);
        return {};
    }
    if (z_->ended) return in.empty() ? std::error_code{} : std::error_code(errc::bad_content_coding); // data after the end
    std::array<char, 64 * 1024> chunk{};
    auto& zs = z_->zs;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    // Until the input is used up and the last output buffer was not filled (zlib may hold more).
    for (bool more = true; more && !z_->ended;) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        const int rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_DATA_ERROR && coding_ == content_coding::deflate && !z_->started && !z_->raw) {
            // "deflate" sent as raw deflate (no zlib header): start again in raw mode.
            inflateEnd(&zs);
            zs = z_stream{};
            if (inflateInit2(&zs, raw_deflate_window_bits) != Z_OK) return errc::bad_content_coding;
            z_->raw = true;
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
            zs.avail_in = static_cast<uInt>(in.size());
            continue;
        }
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return errc::bad_content_coding;
        z_->started = true;
        const std::size_t produced = chunk.size() - zs.avail_out;
        if (produced_ + produced > limit_) return errc::body_too_large;
        produced_ += produced;
        if (produced) out(std::string_view(chunk.data(), produced));
        if (rc == Z_STREAM_END) z_->ended = true;
        more = zs.avail_in > 0 || zs.avail_out == 0;
        if (rc == Z_BUF_ERROR && produced == 0) break; // needs more input
    }
    return {};
}

std::error_code body_decoder::finish() {
    if (coding_ == content_coding::identity || z_->ended) return {};
    return errc::bad_content_coding; // the compressed stream stopped before its end
}

} // namespace harvest::http
