#pragma once
// `harvest collect --config FILE.toml`: any collect flag as a top-level TOML key (`workers = 50`,
// `out = "data/glycans.jsonl.zst"`, `no-enrich = true`); flags given on the command line win.
// Parsed with toml++ and handed to CLI11, which applies the same checks as to the flags.
#include <CLI/CLI.hpp>

namespace harvest::cli {

class toml_config final : public CLI::Config {
public:
    // Every key is an option of the subcommand `subcommand`.
    explicit toml_config(std::string subcommand) : subcommand_(std::move(subcommand)) {}

    std::string to_config(const CLI::App*, bool, bool, std::string) const override;
    std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

private:
    std::string subcommand_;
};

} // namespace harvest::cli
