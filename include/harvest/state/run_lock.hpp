#pragma once
// One run per state file: an exclusive flock on "<state>.lock", held for the process's life. The
// lock file says who holds it (PID and start time) so an overlapping cron run can name them.
// The kernel drops the lock when the holder dies, even by kill -9: no stale-lock clean-up.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace harvest::state {

// Another live process holds the lock; what() names it.
class lock_held : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class run_lock {
public:
    // Takes the lock at once or throws lock_held ("... held by pid N since T"); throws
    // std::runtime_error naming the file when it cannot be created.
    run_lock(const std::filesystem::path& lock_file, const std::string& started_at);
    ~run_lock();
    run_lock(const run_lock&) = delete;
    run_lock& operator=(const run_lock&) = delete;

private:
    int fd_ = -1;
};

} // namespace harvest::state
