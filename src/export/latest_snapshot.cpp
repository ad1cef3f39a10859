#include <harvest/export/latest_snapshot.hpp>

#include <harvest/error.hpp>
#include <harvest/export/compressor.hpp>
#include <harvest/export/dataset_writer.hpp> // validate_output
#include <harvest/export/jsonl_file.hpp>
#include <harvest/export/manifest.hpp>
#include <harvest/export/shard_recovery.hpp>

#include <simdjson.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace harvest::exporting {
namespace fs = std::filesystem;

namespace {

struct dataset_file {
    fs::path path;
    std::string sha256;
};

// A split the dataset does not have is refused (an empty snapshot would look like a result).
std::vector<dataset_file> files_of(const fs::path& manifest_path, const std::optional<std::string>& split) {
    std::vector<dataset_file> out;
    std::set<std::string> splits;
    for (const auto& f : read_manifest(manifest_path).files) {
        if (!f.split.empty()) splits.insert(f.split);
        if (!split || f.split == *split) out.push_back({manifest_path.parent_path() / f.path, f.sha256});
    }
    if (split && !splits.contains(*split)) {
        std::string known;
        for (const auto& s : splits) known += (known.empty() ? "" : ", ") + s;
        throw failure(errc::invalid_input, "split",
                      "'" + *split + "': " + manifest_path.string() + " has no such split (" + (known.empty() ? "it has no splits" : "it has: " + known) + ")");
    }
    return out;
}

// Calls `line` for every line of the file, decoded, after checking the file's checksum.
void for_each_line(const dataset_file& f, const std::function<void(std::string_view)>& line) {
    if (summarize_file(f.path).sha256 != f.sha256)
        throw std::runtime_error(f.path.string() + ": SHA-256 differs from the manifest (altered or truncated)");
    const auto c = compression_for(f.path.string());
    if (!c) throw std::runtime_error(f.path.string() + ": not a .jsonl, .jsonl.gz or .jsonl.zst file");
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(f.path.c_str(), "rb"), &std::fclose);
    if (!in) throw std::runtime_error("cannot read " + f.path.string());
    auto decoder = decompressor::make(*c);
    std::string text, chunk(64 * 1024, '\0');
    while (const auto n = std::fread(chunk.data(), 1, chunk.size(), in.get())) {
        if (!decoder->write({chunk.data(), n}, text)) throw std::runtime_error(f.path.string() + ": corrupt compressed data");
        std::size_t start = 0;
        for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
            line(std::string_view(text).substr(start, end - start + 1));
            start = end + 1;
        }
        text.erase(0, start);
    }
    if (!text.empty()) throw std::runtime_error(f.path.string() + ": ends in a partial line");
}

// The record id: the "id" field every output format starts with.
std::string id_of(simdjson::ondemand::parser& parser, std::string_view line, const fs::path& file) {
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc;
    std::string_view id;
    if (parser.iterate(padded).get(doc) || doc["id"].get_string().get(id))
        throw std::runtime_error(file.string() + ": a line without a string \"id\"");
    return std::string(id);
}

} // namespace

snapshot_result write_latest_snapshot(const fs::path& manifest, const std::string& out, const std::optional<std::string>& split) {
    validate_output(out, std::nullopt, {}, "latest");
    const auto files = files_of(manifest, split);
    simdjson::ondemand::parser parser;
    // Pass 1: the file holding each id's latest version (later files were written later).
    std::unordered_map<std::string, std::size_t> latest;
    snapshot_result result;
    for (std::size_t i = 0; i < files.size(); ++i)
        for_each_line(files[i], [&](std::string_view line) {
            latest[id_of(parser, line, files[i].path)] = i;
            ++result.superseded;
        });
    // Pass 2: write each id from that file only; an existing snapshot is replaced atomically.
    jsonl_file writer(out, out == "-" ? compression::none : *compression_for(out));
    for (std::size_t i = 0; i < files.size(); ++i) {
        for_each_line(files[i], [&](std::string_view line) {
            if (latest.at(id_of(parser, line, files[i].path)) != i) return;
            writer.write(line, 1);
            ++result.records;
        });
        writer.flush();
    }
    writer.commit();
    result.superseded -= result.records;
    result.files = files.size();
    return result;
}

} // namespace harvest::exporting
