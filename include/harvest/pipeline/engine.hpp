#pragma once
// The engine: the thin coroutine driver that joins the stages. It opens the dataset (lock,
// state, crash repair), seeds the scheduler, and runs one dispatcher that hands targets to up
// to `workers` fetching coroutines through a channel; each outcome goes back to the scheduler,
// each full batch to the committer's thread. It handles SIGINT/SIGTERM (drain, then cancel) and
// at the end writes what the run report says. Everything it decides is the scheduler's or the
// committer's; what it prints is the caller's (hooks).
#include <harvest/convert/converter.hpp>
#include <harvest/error.hpp>
#include <harvest/export/dataset_directory.hpp>
#include <harvest/export/dataset_writer.hpp>
#include <harvest/http/client_options.hpp>
#include <harvest/logger.hpp>
#include <harvest/pipeline/committer.hpp>
#include <harvest/pipeline/run_report.hpp>
#include <harvest/pipeline/shard_assignment.hpp>
#include <harvest/sources/registry.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace harvest::pipeline {

struct job_config {
    std::string source = "glytoucan";  // a registered source's name
    std::optional<std::string> ids_file; // "-": standard input
    std::optional<std::string> exclude_file; // ids never fetched, listed or given (the --ids syntax)
    shard_assignment shard;              // --shard K/N: this process's share; its dataset is NAME-shard-K-of-N
    std::optional<std::size_t> target;   // records written
    std::size_t batch_size = 50;
    convert::output_format format = convert::output_format::raw;
    std::string out = "harvest.jsonl";   // DIR/NAME.jsonl[.gz|.zst]: the dataset directory DIR/NAME/; "-": standard output
    std::optional<std::size_t> shard_size; // records per shard
    std::vector<exporting::split_spec> splits;
    std::optional<std::string> summary_file;
    std::optional<std::string> metrics_file; // Prometheus text format, for node_exporter's textfile collector
    std::optional<std::string> state_file;   // default: .harvest/state.sqlite in the dataset's directory (file outputs only)
    bool resume = false;      // continue the dataset: skip what is done
    bool retry_failed = false; // with resume: fetch permanent failures again too
    bool incremental = false; // update the dataset: fetch only what changed
    bool fresh = false;       // discard the dataset's state and files and start over
    bool dry_run = false;
    std::chrono::milliseconds drain_timeout{10'000};
    std::size_t commit_queue = 4; // batches waiting for the committer before workers wait
    http::client_options http;
    sources::source_settings sources;
    std::string command_line;
};

struct progress_snapshot {
    std::size_t written = 0;
    std::optional<std::size_t> target;
    std::optional<std::size_t> left; // targets (or records) still to go, when known
    double records_per_second = 0;
    std::size_t in_flight = 0;
    std::uint64_t retries = 0;
    std::size_t failures = 0;
};

struct engine_hooks {
    std::function<void(const progress_snapshot&)> on_progress; // every progress_period while harvesting
    std::chrono::milliseconds progress_period{10'000};
    std::function<void(std::size_t in_flight)> on_interrupt; // the first SIGINT/SIGTERM
    std::function<void(const std::string& id)> on_dry_run_target;
    committer_hooks commit;
};

// What a --dry-run found: targets by what a real run would do with them.
struct run_plan {
    std::size_t fetch = 0;          // never written, pending, failed transiently or written incomplete
    std::size_t revalidate = 0;     // --incremental: asked with If-None-Match
    std::size_t skip_done = 0;      // --resume: already written
    std::size_t skip_failed = 0;    // --resume: failed permanently (--retry-failed asks them)
    std::size_t skip_unchanged = 0; // --incremental: the index says unchanged
    std::size_t excluded = 0;       // --exclude
    std::size_t other_shards = 0;   // --shard: left to the other shards
};

struct job_result {
    std::string finish_reason; // complete, target_reached, interrupted, failed
    std::optional<error> fatal;  // why the run failed (finish_reason "failed")
    run_report report;
    bool report_written = false; // the summary and the dataset's files are written
    std::optional<std::string> failures_file;
    std::optional<std::string> dataset_directory; // none for standard output
    std::size_t dataset_failures = 0; // targets of the dataset failed now, whichever run tried them last
    std::optional<run_plan> plan;     // --dry-run
};

// Runs the job on its own io_context. Start-up failures (bad settings, unusable state, a held
// lock) and a failed commit throw harvest::failure; everything else is in the result.
job_result run_job(const job_config& config, const logger& log, engine_hooks hooks = {});

} // namespace harvest::pipeline
