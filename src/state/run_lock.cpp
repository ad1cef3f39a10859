#include <harvest/state/run_lock.hpp>

#include <cerrno>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace harvest::state {

run_lock::run_lock(const std::filesystem::path& lock_file, const std::string& started_at) {
    fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot create the lock file " + lock_file.string() + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        char holder[256] = {};
        const auto n = ::pread(fd_, holder, sizeof holder - 1, 0);
        ::close(fd_);
        fd_ = -1;
        std::string_view who(holder, n > 0 ? static_cast<std::size_t>(n) : 0);
        while (!who.empty() && (who.back() == '\n' || who.back() == '\0')) who.remove_suffix(1);
        throw lock_held("another harvest run holds " + lock_file.string() + " (" + (who.empty() ? "holder unknown" : std::string(who)) +
                        "); this run stops without touching the output or the state");
    }
    const std::string holder = "pid " + std::to_string(::getpid()) + ", started " + started_at + "\n";
    // Best effort: without the description the lock still holds; a second run just cannot name us.
    [[maybe_unused]] const bool described =
        ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, holder.data(), holder.size(), 0) == static_cast<ssize_t>(holder.size());
}

run_lock::~run_lock() {
    if (fd_ >= 0) ::close(fd_); // closing releases the flock
}

} // namespace harvest::state
