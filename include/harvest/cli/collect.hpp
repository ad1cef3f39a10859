#pragma once
// `harvest collect`: the job (pipeline/engine.hpp) plus what the command line adds: progress
// display, log settings, exit codes.
#include <harvest/pipeline/engine.hpp>

#include <cstdint>
#include <string>

namespace harvest::cli {

struct collect_config : pipeline::job_config {
    std::string progress = "auto";   // auto (bar on a terminal, else log lines), always, never
    std::string log_level = "info";  // error, warn, info, debug
    std::string log_format = "text"; // text or json
    std::int64_t log_interval = 10'000; // ms between progress log lines without a terminal
};

// Runs the job; returns the exit code. Messages go to stderr.
int run_collect(const collect_config& config);

} // namespace harvest::cli
