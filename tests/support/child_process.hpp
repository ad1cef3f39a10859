#pragma once
// Runs a program of ours as a child process (by PID), with a hard deadline, capturing its
// output; or starts it and lets the test signal it.
#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace harvest::test {

struct process_result {
    int exit_code = -1;   // -1: killed by a signal or by the deadline
    std::string out, err; // standard output and error
    long peak_rss_kb = 0; // the child's maximum resident set size (getrusage ru_maxrss)
};

// Runs `argv` to completion; kills it and fails the test if it outlives `deadline`.
process_result run_process(const std::vector<std::string>& argv, std::chrono::milliseconds deadline = std::chrono::seconds(60),
                           const std::string& stdin_text = {});

class child_process {
public:
    explicit child_process(const std::vector<std::string>& argv);
    ~child_process(); // kills the child if it is still running
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const noexcept { return pid_; }
    void signal(int sig) const;
    // Waits for exit (failing the test after `deadline`) and collects its output.
    process_result wait(std::chrono::milliseconds deadline = std::chrono::seconds(60));

private:
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
};

} // namespace harvest::test
