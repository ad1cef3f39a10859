#pragma once
// Runs one trial as a child process (a `harvest collect`), so that its CPU time and peak memory
// are its own: standard output discarded, standard error to a file, in its own process group
// (a terminal's Ctrl-C reaches `harvest tune`, which passes one SIGINT on).
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace harvest::tune {

struct process_outcome {
    int exit_code = -1;        // -1: ended by a signal
    bool stopped_early = false; // SIGINT sent: the time limit passed, or `stop` was raised
    double cpu_seconds = 0;     // user + system
    double peak_rss_mb = 0;
};

// Starts `argv` (argv[0] a path) and waits. At `time_limit`, or as soon as `stop` becomes
// non-zero, sends SIGINT (the run drains and writes its summary); `grace` later, SIGKILL.
// Throws std::runtime_error when the process cannot be started.
process_outcome run_trial_process(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file,
                                  std::chrono::milliseconds time_limit, std::chrono::milliseconds grace, const volatile std::sig_atomic_t& stop);

} // namespace harvest::tune
