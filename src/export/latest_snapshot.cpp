#include <harvest/export/latest_snapshot.hpp>

#include <harvest/error.hpp>
#include <harvest/export/compressor.hpp>
#include <harvest/export/dataset_writer.hpp> // validate_output
#include <harvest/export/jsonl_file.hpp>
#include <harvest/export/manifest.hpp>
#include <harvest/export/shard_recovery.hpp>

#include <simdjson.h>

#include <cstdio>
#include <algorithm>
#include <functional>
#include <map>
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
std::vector<dataset_file> files_of(const fs::path& manifest_path, const manifest& m, const std::optional<std::string>& split) {
    std::vector<dataset_file> out;
    std::set<std::string> splits;
    for (const auto& f : m.files) {
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

std::vector<fs::path> find_manifests(const std::vector<fs::path>& datasets) {
    std::vector<fs::path> out;
    for (const auto& d : datasets) {
        if (fs::is_regular_file(d / "manifest.json")) {
            out.push_back(d / "manifest.json");
            continue;
        }
        if (!fs::is_directory(d)) throw failure(errc::invalid_input, "dataset", d.string() + ": not a directory (expected a dataset directory, or one holding shards)");
        std::vector<fs::path> found;
        for (const auto& e : fs::directory_iterator(d))
            if (e.is_directory() && fs::is_regular_file(e.path() / "manifest.json")) found.push_back(e.path() / "manifest.json");
        if (found.empty()) throw failure(errc::invalid_input, "dataset", d.string() + ": holds no manifest.json, nor directories with one");
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

void check_shard_set(const std::vector<fs::path>& paths, const std::vector<manifest>& manifests) {
    auto bad = [](const std::string& why) { return failure(errc::invalid_input, "dataset", why); };
    if (manifests.size() == 1 && !manifests[0].shard) return;
    for (std::size_t i = 0; i < manifests.size(); ++i)
        if (!manifests[i].shard)
            throw bad(paths[i].parent_path().string() + ": not a shard (written without --shard); a snapshot of several datasets takes one shard set");
    const auto& first = *manifests[0].shard;
    std::map<std::size_t, fs::path> seen;
    for (std::size_t i = 0; i < manifests.size(); ++i) {
        const auto& s = *manifests[i].shard;
        const auto dir = paths[i].parent_path().string();
        if (s.n != first.n || s.selection_sha256 != first.selection_sha256 || manifests[i].source != manifests[0].source ||
            manifests[i].format != manifests[0].format)
            throw bad(dir + ": shard " + std::to_string(s.k) + " of " + std::to_string(s.n) + " of another harvest than " +
                      paths[0].parent_path().string() + " (a different N, selection, source or format)");
        if (auto [it, fresh] = seen.emplace(s.k, paths[i].parent_path()); !fresh)
            throw bad("shard " + std::to_string(s.k) + " of " + std::to_string(s.n) + " twice: " + it->second.string() + " and " + dir);
    }
    std::string missing;
    for (std::size_t k = 0; k < first.n; ++k)
        if (!seen.contains(k)) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
    if (!missing.empty()) throw bad("the shard set of " + std::to_string(first.n) + " lacks shard(s) " + missing + " (each must be harvested before the export)");
}

snapshot_result write_latest_snapshot(const std::vector<fs::path>& manifest_paths, const std::string& out, const std::optional<std::string>& split) {
    validate_output(out, std::nullopt, {}, "latest");
    std::vector<manifest> manifests;
    for (const auto& p : manifest_paths) manifests.push_back(read_manifest(p));
    check_shard_set(manifest_paths, manifests);
    std::vector<dataset_file> files;
    for (std::size_t i = 0; i < manifests.size(); ++i)
        for (auto& f : files_of(manifest_paths[i], manifests[i], split)) files.push_back(std::move(f));
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
    result.datasets = manifests.size();
    if (out != "-") {
        auto& m = result.snapshot;
        m.version = manifests[0].version;
        m.source = manifests[0].source;
        m.selection_json = manifests[0].selection_json;
        m.format = manifests[0].format;
        m.schema_version = manifests[0].schema_version;
        m.finish_reason = "complete";
        m.files.push_back({fs::path(out).filename().string(), 0, split.value_or("all"), result.records, writer.bytes(), writer.sha256_hex()});
        for (const auto& input : manifests) m.failures += input.failures;
    }
    return result;
}

} // namespace harvest::exporting
