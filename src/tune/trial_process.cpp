#include <harvest/tune/trial_process.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace harvest::tune {

process_outcome run_trial_process(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file,
                                  std::chrono::milliseconds time_limit, std::chrono::milliseconds grace, const volatile std::sig_atomic_t& stop) {
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&files, STDERR_FILENO, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, args[0], &files, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(spawned));

    process_outcome out;
    const auto started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point interrupted_at{};
    int status = 0;
    rusage usage{};
    for (;;) {
        const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) throw std::runtime_error(std::string("waiting for a trial: ") + std::strerror(errno));
        const auto now = std::chrono::steady_clock::now();
        if (!out.stopped_early && (stop || now - started >= time_limit)) {
            ::kill(pid, SIGINT);
            out.stopped_early = true;
            interrupted_at = now;
        } else if (out.stopped_early && now - interrupted_at >= grace) {
            ::kill(pid, SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    out.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                      static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    out.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
    return out;
}

} // namespace harvest::tune
