#include <harvest/export/manifest.hpp>

#include <harvest/error.hpp>
#include <harvest/export/json_writer.hpp>

#include <simdjson.h>

namespace harvest::exporting {

std::uint64_t manifest::records() const noexcept {
    std::uint64_t n = 0;
    for (const auto& f : files) n += f.records;
    return n;
}

std::map<std::string, std::uint64_t> manifest::split_records() const {
    std::map<std::string, std::uint64_t> out;
    for (const auto& f : files) out[f.split] += f.records;
    return out;
}

std::string manifest::to_json() const {
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.key("tool").value("harvest").key("version").value(version).key("command_line").value(command_line);
    w.key("source").value(source).key("selection").raw(selection_json.empty() ? "{}" : selection_json);
    w.key("format").value(format).key("schema_version").value(schema_version);
    w.key("started_at").value(started_at).key("finished_at").value(finished_at).key("finish_reason").value(finish_reason);
    w.key("files").begin_array();
    for (const auto& f : files)
        w.begin_object().key("path").value(f.path).key("run").value(f.run).key("split").value(f.split).key("records").value(f.records)
            .key("bytes").value(f.bytes).key("sha256").value(f.sha256).end_object();
    w.end_array();
    w.key("splits").begin_object();
    for (const auto& [split, n] : split_records()) w.key(split).value(n);
    w.end_object();
    w.key("runs").begin_array();
    for (const auto& r : runs)
        w.begin_object().key("run").value(r.run).key("mode").value(r.mode).key("started_at").value(r.started_at)
            .key("finished_at").value(r.finished_at).key("finish_reason").value(r.finish_reason).key("records").value(r.records)
            .key("unchanged").value(r.unchanged).key("failures").value(r.failures).end_object();
    w.end_array();
    w.key("records").value(records()).key("failures").value(failures).key("incomplete").value(incomplete).key("stale").value(stale);
    if (shard)
        w.key("shard").begin_object().key("k").value(static_cast<std::uint64_t>(shard->k)).key("n").value(static_cast<std::uint64_t>(shard->n))
            .key("selection_sha256").value(shard->selection_sha256).end_object();
    w.end_object();
    return out + "\n";
}

manifest read_manifest(const std::filesystem::path& path) {
    auto bad = [&path](const std::string& why) {
        return failure(errc::invalid_input, "manifest", path.string() + ": " + why);
    };
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.load(path.string()).get(doc) != simdjson::SUCCESS) throw bad("cannot read it as JSON (expected the manifest.json harvest collect writes)");
    simdjson::dom::array files;
    if (doc["files"].get(files) != simdjson::SUCCESS) throw bad("no \"files\" array (expected the manifest.json harvest collect writes)");
    manifest m;
    auto text = [](simdjson::dom::element e, const char* key) {
        std::string_view v;
        return e[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
    };
    auto number = [](simdjson::dom::element e, const char* key) {
        std::uint64_t v = 0;
        return e[key].get(v) == simdjson::SUCCESS ? v : 0;
    };
    for (auto f : files) {
        std::string_view file_path, sha, split;
        if (f["path"].get(file_path) || f["sha256"].get(sha) || f["split"].get(split) || file_path.empty() ||
            file_path.find('/') != std::string_view::npos || file_path.starts_with("."))
            throw bad("a file entry without a plain path, sha256 and split");
        m.files.push_back({std::string(file_path), static_cast<std::int64_t>(number(f, "run")), std::string(split), number(f, "records"),
                           number(f, "bytes"), std::string(sha)});
    }
    m.version = text(doc, "version");
    m.command_line = text(doc, "command_line");
    m.source = text(doc, "source");
    if (simdjson::dom::element selection; doc["selection"].get(selection) == simdjson::SUCCESS) m.selection_json = simdjson::minify(selection);
    m.format = text(doc, "format");
    m.schema_version = static_cast<int>(number(doc, "schema_version"));
    m.started_at = text(doc, "started_at");
    m.finished_at = text(doc, "finished_at");
    m.finish_reason = text(doc, "finish_reason");
    if (simdjson::dom::array runs; doc["runs"].get(runs) == simdjson::SUCCESS)
        for (auto r : runs)
            m.runs.push_back({static_cast<std::int64_t>(number(r, "run")), text(r, "mode"), text(r, "started_at"), text(r, "finished_at"),
                              text(r, "finish_reason"), number(r, "records"), number(r, "unchanged"), number(r, "failures")});
    m.failures = number(doc, "failures");
    m.incomplete = number(doc, "incomplete");
    m.stale = number(doc, "stale");
    if (simdjson::dom::element s; doc["shard"].get(s) == simdjson::SUCCESS)
        m.shard = manifest_shard{static_cast<std::size_t>(number(s, "k")), static_cast<std::size_t>(number(s, "n")), text(s, "selection_sha256")};
    return m;
}

} // namespace harvest::exporting
