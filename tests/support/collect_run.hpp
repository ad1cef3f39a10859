#pragma once
// Running `harvest collect` against the fixture server and reading its outputs back: the
// helpers the collect and durability integration tests share.
#include "support/child_process.hpp"
#include "support/fixture_files.hpp"
#include "support/self_signed.hpp"
#include "support/virtuoso.hpp"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <harvest/http/content_coding.hpp>

#include <openssl/evp.h>
#include <zstd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::test {
namespace fs = std::filesystem;

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

inline std::string sha256_hex(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned i = 0; i < len; ++i) {
        char b[3];
        std::snprintf(b, sizeof b, "%02x", md[i]);
        hex += b;
    }
    return hex;
}

inline std::vector<std::string> collect_args(std::string source, std::uint16_t port, const fs::path& out, std::vector<std::string> extra) {
    std::vector<std::string> args{HARVEST_EXE, "collect", "--source", std::move(source), "--base-url",
                                  "http://127.0.0.1:" + std::to_string(port), "--out", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// The glycan job: SPARQL from the real Virtuoso (the recorded glycans unless `extra` names
// another), GlyCosmos and GlyGen from the fixture server.
inline std::vector<std::string> harvest_args(std::uint16_t port, const fs::path& out, std::vector<std::string> extra = {}) {
    if (std::ranges::find(extra, "--sparql-url") == extra.end()) extra.insert(extra.begin(), {"--sparql-url", recorded_virtuoso().endpoint()});
    return collect_args("glytoucan", port, out, std::move(extra));
}

// `harvest collect --out DIR/NAME.jsonl[.gz|.zst]` writes the dataset directory DIR/NAME/: the
// data files and manifest.json in it, harvest's own files in DIR/NAME/.harvest/.
inline fs::path dataset_dir(const fs::path& out) {
    auto name = out.filename().string();
    return out.parent_path() / name.substr(0, name.find(".jsonl"));
}
inline fs::path data_file(const fs::path& out) { return dataset_dir(out) / out.filename(); }
inline fs::path manifest_of(const fs::path& out) { return dataset_dir(out) / "manifest.json"; }
inline fs::path failures_of(const fs::path& out) { return dataset_dir(out) / ".harvest" / "failures.jsonl"; }
inline fs::path state_of(const fs::path& out) { return dataset_dir(out) / ".harvest" / "state.sqlite"; }

// Every line parses as JSON with a unique id; returns the ids.
inline std::vector<std::string> check_jsonl(const std::string& text) {
    simdjson::dom::parser parser;
    std::vector<std::string> ids;
    std::set<std::string> unique;
    for (const auto& line : lines_of(text)) {
        auto doc = parser.parse(line);
        REQUIRE_MESSAGE(doc.error() == simdjson::SUCCESS, line);
        std::string_view id;
        REQUIRE(doc["id"].get(id) == simdjson::SUCCESS);
        CHECK_MESSAGE(unique.insert(std::string(id)).second, "duplicate id " << id);
        ids.emplace_back(id);
    }
    if (!text.empty()) CHECK(text.back() == '\n'); // only complete lines
    return ids;
}

// An --ids file `ids.txt` in `dir` holding `lines`.
inline fs::path ids_file(const fs::path& dir, std::string_view lines) {
    const auto path = dir / "ids.txt";
    std::ofstream(path) << lines;
    return path;
}

inline std::vector<std::string> pypi_args(std::uint16_t port, const fs::path& out, std::vector<std::string> extra = {}) {
    return collect_args("pypi", port, out, std::move(extra));
}

// --sparql-url of the Virtuoso that holds the glycans of fixture_catalog(dir, synthesized).
inline std::vector<std::string> catalog_sparql(std::size_t synthesized) { return {"--sparql-url", catalog_virtuoso(synthesized).endpoint()}; }

// harvest_args against the Virtuoso that holds the glycans of fixture_catalog(dir, synthesized).
inline std::vector<std::string> catalog_args(std::size_t synthesized, std::uint16_t port, const fs::path& out, std::vector<std::string> extra = {}) {
    const auto sparql = catalog_sparql(synthesized);
    extra.insert(extra.begin(), sparql.begin(), sparql.end());
    return harvest_args(port, out, std::move(extra));
}

// The file decompressed per its extension.
inline std::string decompressed(const fs::path& p) {
    const auto bytes = read_text(p);
    const auto name = p.filename().string();
    if (name.ends_with(".gz")) {
        std::string out;
        REQUIRE_FALSE(harvest::http::decode_body(harvest::http::content_coding::gzip, bytes, 1u << 30, out));
        return out;
    }
    if (!name.ends_with(".zst")) return bytes;
    std::string out;
    ZSTD_DStream* d = ZSTD_createDStream();
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    char chunk[65536];
    std::size_t rc = 1;
    while (in.pos < in.size || rc != 0) {
        ZSTD_outBuffer o{chunk, sizeof chunk, 0};
        rc = ZSTD_decompressStream(d, &o, &in);
        REQUIRE_FALSE(ZSTD_isError(rc));
        out.append(chunk, o.pos);
        if (o.pos == 0 && in.pos == in.size) break;
    }
    ZSTD_freeDStream(d);
    CHECK(rc == 0); // the frame is complete
    return out;
}

inline std::map<std::string, std::string> manifest_files(const fs::path& manifest) {
    simdjson::dom::parser parser;
    auto doc = parser.parse(read_text(manifest));
    std::map<std::string, std::string> files; // path -> sha256
    for (auto f : simdjson::dom::array(doc["files"])) files[std::string(std::string_view(f["path"]))] = std::string(std::string_view(f["sha256"]));
    return files;
}

// The ids of every line of every file the manifest of the dataset `--out out` lists (checking
// each file's checksum), and that its directory holds nothing else but the card and .harvest/.
inline std::vector<std::string> dataset_ids(const fs::path& out) {
    const auto dir = dataset_dir(out);
    const auto files = manifest_files(dir / "manifest.json");
    std::vector<std::string> ids;
    for (const auto& [name, sha] : files) {
        CHECK_MESSAGE(sha256_hex(read_text(dir / name)) == sha, name);
        for (auto& id : check_jsonl(decompressed(dir / name))) ids.push_back(std::move(id));
    }
    for (const auto& e : fs::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        CHECK_MESSAGE((files.contains(name) || name == "manifest.json" || name == "README.md" || name == ".harvest"), "not the dataset's: " << name);
    }
    for (const auto& e : fs::directory_iterator(dir / ".harvest"))
        CHECK_MESSAGE(e.path().filename().string().find(".tmp-") == std::string::npos, "temporary file left: " << e.path());
    return ids;
}

} // namespace harvest::test
