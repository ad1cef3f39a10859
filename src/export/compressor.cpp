#include <harvest/export/compressor.hpp>

#include <zlib.h>
#include <zstd.h>

#include <optional>
#include <stdexcept>

namespace harvest::exporting {
namespace {

class identity final : public compressor {
public:
    void write(std::string_view in, std::string& out) override { out.append(in); }
    void flush(std::string&) override {}
    void finish(std::string&) override {}
};

class gzip_stream final : public compressor {
public:
    gzip_stream() {
        if (deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("gzip: cannot initialise zlib");
    }
    ~gzip_stream() override { deflateEnd(&zs_); }
    void write(std::string_view in, std::string& out) override { run(in, Z_NO_FLUSH, out); }
    void flush(std::string& out) override { run({}, Z_SYNC_FLUSH, out); }
    void finish(std::string& out) override { run({}, Z_FINISH, out); }

private:
    void run(std::string_view in, int flush, std::string& out) {
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        zs_.avail_in = static_cast<uInt>(in.size());
        char chunk[64 * 1024];
        int rc = Z_OK;
        do {
            zs_.next_out = reinterpret_cast<Bytef*>(chunk);
            zs_.avail_out = sizeof chunk;
            rc = deflate(&zs_, flush);
            if (rc == Z_STREAM_ERROR) throw std::runtime_error("gzip: deflate failed");
            out.append(chunk, sizeof chunk - zs_.avail_out);
        } while (zs_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    }
    z_stream zs_{};
};

class zstd_stream final : public compressor {
public:
    zstd_stream() : ctx_(ZSTD_createCCtx()) {
        if (!ctx_) throw std::runtime_error("zstd: cannot create a context");
        ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, 3);
        ZSTD_CCtx_setParameter(ctx_, ZSTD_c_checksumFlag, 1);
    }
    ~zstd_stream() override { ZSTD_freeCCtx(ctx_); }
    void write(std::string_view in, std::string& out) override { run(in, ZSTD_e_continue, out); }
    void flush(std::string& out) override { run({}, ZSTD_e_flush, out); }
    void finish(std::string& out) override { run({}, ZSTD_e_end, out); }

private:
    void run(std::string_view in, ZSTD_EndDirective mode, std::string& out) {
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        char chunk[64 * 1024];
        for (;;) {
            ZSTD_outBuffer output{chunk, sizeof chunk, 0};
            const std::size_t left = ZSTD_compressStream2(ctx_, &output, &input, mode);
            if (ZSTD_isError(left)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(left));
            out.append(chunk, output.pos);
            const bool done = mode == ZSTD_e_continue ? input.pos == input.size : left == 0;
            if (done) break;
        }
    }
    ZSTD_CCtx* ctx_;
};

class identity_reader final : public decompressor {
public:
    bool write(std::string_view in, std::string& out) override {
        out.append(in);
        return true;
    }
};

class gzip_reader final : public decompressor {
public:
    gzip_reader() {
        if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("gzip: cannot initialise zlib");
    }
    ~gzip_reader() override { inflateEnd(&zs_); }
    bool write(std::string_view in, std::string& out) override {
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        zs_.avail_in = static_cast<uInt>(in.size());
        char chunk[64 * 1024];
        for (;;) {
            zs_.next_out = reinterpret_cast<Bytef*>(chunk);
            zs_.avail_out = sizeof chunk;
            const int rc = inflate(&zs_, Z_NO_FLUSH);
            out.append(chunk, sizeof chunk - zs_.avail_out);
            if (rc == Z_STREAM_END) { // another gzip member may follow
                if (inflateReset(&zs_) != Z_OK) return false;
                if (zs_.avail_in == 0) break;
                continue;
            }
            if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
            if (zs_.avail_out != 0) break; // all input consumed, all output taken
        }
        return true;
    }

private:
    z_stream zs_{};
};

class zstd_reader final : public decompressor {
public:
    zstd_reader() : ctx_(ZSTD_createDCtx()) {
        if (!ctx_) throw std::runtime_error("zstd: cannot create a context");
    }
    ~zstd_reader() override { ZSTD_freeDCtx(ctx_); }
    bool write(std::string_view in, std::string& out) override {
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        char chunk[64 * 1024];
        for (;;) {
            ZSTD_outBuffer output{chunk, sizeof chunk, 0};
            const std::size_t rc = ZSTD_decompressStream(ctx_, &output, &input);
            if (ZSTD_isError(rc)) return false;
            out.append(chunk, output.pos);
            if (input.pos == input.size && output.pos < output.size) return true;
        }
    }

private:
    ZSTD_DCtx* ctx_;
};

} // namespace

std::optional<compression> compression_for(std::string_view path) noexcept {
    if (path.ends_with(".jsonl")) return compression::none;
    if (path.ends_with(".jsonl.gz")) return compression::gzip;
    if (path.ends_with(".jsonl.zst")) return compression::zstd;
    return std::nullopt;
}

std::string_view extension(compression c) noexcept {
    switch (c) {
    case compression::none: return ".jsonl";
    case compression::gzip: return ".jsonl.gz";
    case compression::zstd: return ".jsonl.zst";
    }
    return ".jsonl";
}

std::unique_ptr<compressor> compressor::make(compression c) {
    switch (c) {
    case compression::gzip: return std::make_unique<gzip_stream>();
    case compression::zstd: return std::make_unique<zstd_stream>();
    case compression::none: break;
    }
    return std::make_unique<identity>();
}

std::unique_ptr<decompressor> decompressor::make(compression c) {
    switch (c) {
    case compression::gzip: return std::make_unique<gzip_reader>();
    case compression::zstd: return std::make_unique<zstd_reader>();
    case compression::none: break;
    }
    return std::make_unique<identity_reader>();
}

} // namespace harvest::exporting
