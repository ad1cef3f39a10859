#pragma once
// One model of a run's results, from which everything a run reports is written: the summary
// (JSON and the lines printed at the end), the Prometheus metrics, failures.jsonl and the
// manifest. Pure: the caller writes the text where it belongs.
#include <harvest/export/manifest.hpp>
#include <harvest/http/client.hpp>
#include <harvest/sources/source.hpp>
#include <harvest/state/state_store.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::pipeline {

struct run_report {
    std::string source;
    std::string finish_reason; // complete, target_reached, interrupted, failed
    std::uint64_t records = 0;       // written by this run
    std::uint64_t bytes_written = 0; // as on disk (compressed)
    std::size_t unchanged = 0;
    std::size_t incomplete = 0; // of the records written: without part of their data (fetched again by --resume/--incremental)
    std::vector<sources::target_failure> failures; // this run's
    http::client_stats requests;
    std::chrono::nanoseconds convert_write{0}; // the committer thread's time per batch, summed
    std::chrono::nanoseconds commit_wait{0};   // workers held back while the committer's queue was full, summed
    double elapsed_seconds = 0;

    double records_per_second() const noexcept;
    // Requests sent for each record written (0 with no record).
    double requests_per_record() const noexcept;
};

std::string summary_json(const run_report& r);
// The lines printed at the end of a run; `written_to` names the output, `failures_file` where
// the failures are listed (if anywhere).
std::string summary_text(const run_report& r, std::string_view written_to, const std::optional<std::string>& failures_file);
// Prometheus text exposition format, for node_exporter's textfile collector. The last success
// time survives a failed run: it is carried over from `previous` (the file's old contents).
std::string metrics_text(const run_report& r, double now_unix_seconds, std::string_view previous);
// Every target of the dataset that is failed now, whichever run tried it last: one JSON line each.
std::string failures_jsonl(const std::vector<state::stored_failure>& failures, std::string_view source);
// The dataset's manifest from the state's shards and runs.
exporting::manifest dataset_manifest(const state::state_store& state, exporting::manifest head);

} // namespace harvest::pipeline
