#pragma once
// One `harvest tune` trial: a `harvest collect` run at one (workers, batch size), measured.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace harvest::tune {

struct trial_result {
    std::size_t workers = 0;
    std::size_t batch_size = 0;
    std::uint64_t records = 0;
    std::uint64_t requests = 0;
    std::uint64_t retries = 0;
    std::uint64_t status_429 = 0;
    double seconds = 0;
    double records_per_second = 0;
    double p50_ms = 0, p95_ms = 0, p99_ms = 0; // request latency (per attempt)
    double cpu_seconds = 0;                     // user + system of the trial's process
    double peak_rss_mb = 0;
    // Summed over requests: waiting for a host slot and a token, and on the network; and the
    // wall time spent converting and writing batches.
    double limiter_wait_s = 0, network_s = 0, convert_write_s = 0;

    double cpu_per_1000_records() const { return records ? cpu_seconds * 1000.0 / static_cast<double>(records) : 0.0; }
    double convert_write_ms_per_1000_records() const {
        return records ? convert_write_s * 1e6 / static_cast<double>(records) : 0.0;
    }
};

// Fills the measured fields of `out` from a `harvest collect --summary` file's JSON. Returns an
// empty string, or one line naming the field that is missing or of the wrong type.
std::string read_trial_summary(std::string_view json, trial_result& out);

} // namespace harvest::tune
