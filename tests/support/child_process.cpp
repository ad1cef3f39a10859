#include "child_process.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace harvest::test {

namespace {

pid_t spawn(const std::vector<std::string>& argv, int& out_fd, int& err_fd, int* in_fd) {
    int out[2], err[2], in[2];
    REQUIRE(::pipe(out) == 0);
    REQUIRE(::pipe(err) == 0);
    REQUIRE(::pipe(in) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        for (int fd : {out[0], out[1], err[0], err[1], in[0], in[1]}) ::close(fd);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    ::close(in[0]);
    if (in_fd) *in_fd = in[1];
    else ::close(in[1]);
    out_fd = out[0];
    err_fd = err[0];
    return pid;
}

// Drains both pipes until EOF or the deadline; true when both reached EOF.
bool drain(int out_fd, int err_fd, process_result& r, std::chrono::steady_clock::time_point deadline) {
    bool out_open = true, err_open = true;
    char buf[65536];
    while (out_open || err_open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return false;
        pollfd fds[2] = {{out_open ? out_fd : -1, POLLIN, 0}, {err_open ? err_fd : -1, POLLIN, 0}};
        if (::poll(fds, 2, static_cast<int>(left)) < 0) return false;
        for (int i = 0; i < 2; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const auto n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) (i == 0 ? out_open : err_open) = false;
            else (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
        }
    }
    return true;
}

// Waits for the child (killing it first when it ran out of time); its exit code and peak RSS.
void reap(pid_t pid, bool in_time, process_result& r) {
    if (!in_time) ::kill(pid, SIGKILL);
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.peak_rss_kb = usage.ru_maxrss;
}

} // namespace

process_result run_process(const std::vector<std::string>& argv, std::chrono::milliseconds deadline, const std::string& stdin_text) {
    int out_fd = -1, err_fd = -1, in_fd = -1;
    const pid_t pid = spawn(argv, out_fd, err_fd, &in_fd);
    if (!stdin_text.empty()) REQUIRE(::write(in_fd, stdin_text.data(), stdin_text.size()) == static_cast<ssize_t>(stdin_text.size()));
    ::close(in_fd);
    process_result r;
    const bool in_time = drain(out_fd, err_fd, r, std::chrono::steady_clock::now() + deadline);
    ::close(out_fd);
    ::close(err_fd);
    reap(pid, in_time, r);
    REQUIRE_MESSAGE(in_time, argv[0] << " outlived its deadline and was killed");
    return r;
}

child_process::child_process(const std::vector<std::string>& argv) { pid_ = spawn(argv, out_fd_, err_fd_, nullptr); }

child_process::~child_process() {
    process_result ignored;
    if (pid_ > 0) reap(pid_, false, ignored);
    if (out_fd_ >= 0) ::close(out_fd_);
    if (err_fd_ >= 0) ::close(err_fd_);
}

void child_process::signal(int sig) const { ::kill(pid_, sig); }

process_result child_process::wait(std::chrono::milliseconds deadline) {
    process_result r;
    const bool in_time = drain(out_fd_, err_fd_, r, std::chrono::steady_clock::now() + deadline);
    reap(pid_, in_time, r);
    pid_ = -1;
    REQUIRE_MESSAGE(in_time, "child outlived its deadline and was killed");
    return r;
}

} // namespace harvest::test
