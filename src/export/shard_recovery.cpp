#include <harvest/export/shard_recovery.hpp>

#include <harvest/export/jsonl_file.hpp>

#include <harvest/export/sha256.hpp>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace harvest::exporting {
namespace fs = std::filesystem;

namespace {

struct file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

file_ptr open_for_reading(const fs::path& path) {
    file_ptr f(std::fopen(path.c_str(), "rb"));
    if (!f) throw std::runtime_error("cannot read " + path.string());
    return f;
}

} // namespace

file_summary summarize_file(const fs::path& path) {
    auto f = open_for_reading(path);
    sha256 digest;
    file_summary out;
    char chunk[64 * 1024];
    while (const auto n = std::fread(chunk, 1, sizeof chunk, f.get())) {
        digest.update({chunk, n});
        out.bytes += n;
    }
    if (std::ferror(f.get())) throw std::runtime_error("cannot read " + path.string());
    out.sha256 = digest.hex_digest();
    return out;
}

file_summary complete_temporary(const fs::path& temp, const fs::path& final_path, compression c, std::uint64_t committed_bytes) {
    {
        auto in = open_for_reading(temp);
        auto decoder = decompressor::make(c);
        jsonl_file out(final_path, c);
        std::string decoded;
        char chunk[64 * 1024];
        for (std::uint64_t left = committed_bytes; left > 0;) {
            const auto n = std::fread(chunk, 1, static_cast<std::size_t>(std::min<std::uint64_t>(left, sizeof chunk)), in.get());
            if (n == 0) throw std::runtime_error(temp.string() + ": shorter than the " + std::to_string(committed_bytes) + " bytes the state committed");
            left -= n;
            decoded.clear();
            if (!decoder->write({chunk, n}, decoded)) throw std::runtime_error(temp.string() + ": the committed part does not decode");
            out.write(decoded, 0);
            out.flush();
        }
        out.commit();
    }
    fs::remove(temp);
    return summarize_file(final_path);
}

} // namespace harvest::exporting
