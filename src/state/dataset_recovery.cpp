#include <harvest/state/dataset_recovery.hpp>

#include <harvest/export/dataset_writer.hpp>
#include <harvest/export/shard_recovery.hpp>

#include <string>

namespace harvest::state {
namespace fs = std::filesystem;

namespace {

// ".glycans-00003.jsonl.zst.tmp-123-456" -> "glycans-00003.jsonl.zst"; "" if not a temporary.
std::string temporary_of(const std::string& file_name) {
    const auto mark = file_name.rfind(".tmp-");
    if (file_name.size() < 2 || file_name.front() != '.' || mark == std::string::npos || mark < 2) return {};
    return file_name.substr(1, mark - 1);
}

} // namespace

recovery_report recover_dataset(state_store& state, const fs::path& dir, std::string_view stem, exporting::compression c) {
    recovery_report report;
    for (const auto& shard : state.shards()) {
        if (shard.complete) continue;
        const auto final_path = dir / shard.name;
        if (!shard.temp.empty() && fs::exists(shard.temp)) {
            if (shard.records == 0) {
                fs::remove(shard.temp);
                state.forget_shard(shard.name);
                ++report.removed;
                continue;
            }
            const auto summary = exporting::complete_temporary(shard.temp, final_path, c, shard.bytes);
            state.record_complete(shard.run, {{shard.name, shard.split, shard.records, summary.bytes, summary.sha256}});
            ++report.completed;
        } else if (fs::exists(final_path)) { // renamed, but the crash came before the state said so
            const auto summary = exporting::summarize_file(final_path);
            state.record_complete(shard.run, {{shard.name, shard.split, shard.records, summary.bytes, summary.sha256}});
            ++report.completed;
        } else {
            state.forget_shard(shard.name);
            ++report.lost;
        }
    }
    // Whatever temporaries remain were never committed: a shard's first batch, a manifest, a
    // card, harvest's own lists in .harvest/.
    const auto top = dir.empty() ? fs::path(".") : dir;
    for (const auto& folder : {top, top / ".harvest"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(folder, ec)) {
            const auto of = temporary_of(e.path().filename().string());
            if (of.empty()) continue;
            if (exporting::parse_output_name(stem, c, of) || of == "manifest.json" || of == "README.md" || of == "failures.jsonl") {
                fs::remove(e.path());
                ++report.removed;
            }
        }
    }
    return report;
}

} // namespace harvest::state
