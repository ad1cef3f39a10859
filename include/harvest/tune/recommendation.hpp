#pragma once
// What the trials say: the workers and batch size to use, and why, in one line. Computed from
// the measurements (throughput knee, time split, limiter ceiling, 429s, CPU), not a fixed rule.
#include <harvest/tune/trial.hpp>

#include <optional>
#include <string>
#include <vector>

namespace harvest::tune {

// Reference lines for the table and the chart.
struct tune_references {
    double requests_per_record = 0;                // measured, over every trial
    std::optional<double> limiter_records_per_s;   // --rate over requests per record
    std::optional<double> unloaded_latency_ms;     // median latency of the trial with the fewest workers
    // The latency-bound ideal at `workers`: every slot busy, every request taking the unloaded latency.
    std::optional<double> ideal_records_per_s(std::size_t workers) const;
};

tune_references measure_references(const std::vector<trial_result>& trials, std::optional<double> rate_requests_per_s);

struct recommendation {
    std::size_t workers = 0;
    std::size_t batch_size = 0;
    std::string reason; // one line: "workers 20: ...; batch 200: ..."
};

// Requires at least one trial with records.
recommendation recommend(const std::vector<trial_result>& trials, const tune_references& refs);

} // namespace harvest::tune
