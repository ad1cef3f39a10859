#pragma once
// One directory per dataset. `--out PATH/NAME.jsonl[.gz|.zst]` names the directory PATH/NAME/:
// it holds the data files (NAME.jsonl, its shards and splits), manifest.json and the dataset
// card README.md, and nothing else a loader could take for data. harvest's own files (state,
// lock, failures, per-target log) live in PATH/NAME/.harvest/, which shell globs and the datasets
// library's default patterns skip. Two datasets never share a directory, so neither can
// overwrite the other's manifest, card or failures.
#include <filesystem>
#include <string>
#include <vector>

namespace harvest::exporting {

class dataset_directory {
public:
    // `out`: a validated --out path other than "-"; `suffix` names one shard's dataset
    // (--out DIR/NAME.jsonl with "-shard-2-of-4": DIR/NAME-shard-2-of-4/NAME-shard-2-of-4.jsonl).
    explicit dataset_directory(const std::string& out, const std::string& suffix = {});

    const std::filesystem::path& root() const noexcept { return root_; }
    std::string data_path() const { return (root_ / file_name_).string(); } // what dataset_writer writes
    std::filesystem::path manifest() const { return root_ / "manifest.json"; }
    std::filesystem::path card() const { return root_ / "README.md"; }
    std::filesystem::path private_dir() const { return root_ / ".harvest"; }
    std::filesystem::path state() const { return private_dir() / "state.sqlite"; }
    std::filesystem::path failures() const { return private_dir() / "failures.jsonl"; }
    std::filesystem::path targets_log() const { return private_dir() / "targets.jsonl"; }
    // Where harvest before one-directory datasets kept the state: beside the output.
    std::filesystem::path old_layout_state() const { return out_ + ".state.sqlite"; }

    // A table of data beside the records (PyPI's dependency edges): NAME/NAME.jsonl in the directory.
    std::filesystem::path table(const std::string& name) const { return root_ / table_file(name); }
    static std::string table_file(const std::string& name) { return name + "/" + name + ".jsonl"; } // in the directory
    // The tables written so far, by name.
    std::vector<std::string> tables() const;

    // Throws harvest::failure (setting "out") when the directory cannot hold this dataset: it is
    // a file, or a directory with other content that is not a harvest dataset.
    void check() const;
    // Creates the directory and .harvest/ (no-op when they exist).
    void create() const;

private:
    std::string out_;
    std::filesystem::path root_;
    std::string file_name_;
};

} // namespace harvest::exporting
