#pragma once
// `harvest collect`: enumerate targets, fetch them with up to --workers requests in flight,
// convert batches of records and write JSONL, then failures.jsonl and manifest.json.
#include <harvest/convert/converter.hpp>
#include <harvest/export/dataset_writer.hpp>
#include <harvest/http/client_options.hpp>
#include <harvest/sources/glytoucan_source.hpp>
#include <harvest/sources/pypi_source.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace harvest::cli {

struct collect_config {
    std::string source = "glytoucan"; // or "pypi"
    std::optional<std::string> ids_file; // "-": standard input
    std::optional<std::size_t> target;   // records written
    std::size_t batch_size = 50;
    convert::output_format format = convert::output_format::raw;
    std::string out = "harvest.jsonl";   // .jsonl, .jsonl.gz, .jsonl.zst; "-": standard output
    std::optional<std::size_t> shard_size;   // records per shard
    std::vector<exporting::split_spec> splits;
    std::optional<std::string> summary_file;
    std::optional<std::string> metrics_file; // Prometheus text format, for node_exporter's textfile collector
    std::optional<std::string> state_file;   // default: <out>.state.sqlite (file outputs only)
    bool resume = false;      // continue the dataset: skip what is done
    bool incremental = false; // update the dataset: fetch only what changed
    bool fresh = false;       // discard the dataset's state and files and start over
    bool dry_run = false;
    std::string progress = "auto";   // auto (bar on a terminal, else log lines), always, never
    std::string log_level = "info";  // error, warn, info, debug
    std::string log_format = "text"; // text or json
    std::int64_t log_interval = 10'000; // ms between progress log lines without a terminal
    std::chrono::milliseconds drain_timeout{10'000};
    http::client_options http;
    sources::glytoucan_options glytoucan;
    sources::pypi_options pypi;
    std::string command_line;
};

// Runs the job on its own io_context; returns the exit code. Messages go to stderr.
int run_collect(const collect_config& config);

} // namespace harvest::cli
