#pragma once
// `harvest tune`: one short `harvest collect` trial per (workers, batch size), measured side by
// side; a table, a recommendation with its reason, and optionally JSON and an SVG chart.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace harvest::cli {

struct tune_config {
    std::string source;                     // a registered source's name
    double requests_per_record = 1;         // the source's, with the trials' collect flags
    std::vector<std::size_t> workers;       // empty: the defaults for the endpoint
    std::vector<std::size_t> batch_sizes;   // empty: the defaults for the endpoint
    std::optional<std::size_t> target;      // records per trial; default by endpoint
    std::chrono::milliseconds max_trial{std::chrono::seconds(30)};
    std::optional<double> rate;             // requests/s per host, passed to every trial
    double burst = 1;
    std::string base_url;                   // empty: the real services
    std::optional<std::string> plot;        // .svg
    std::optional<std::string> json;
    bool yes = false;                       // no confirmation before a real API's requests
    std::vector<std::string> collect_args;  // any other collect flags, passed to every trial
    std::string harvest_exe;                // this program, run once per trial
};

// Parses "1,10,50" into whole numbers in [low, high]; throws std::invalid_argument naming `flag`.
std::vector<std::size_t> parse_number_list(const std::string& flag, const std::string& text, std::size_t low, std::size_t high);

int run_tune(const tune_config& config);

} // namespace harvest::cli
