#pragma once
// A counting semaphore for coroutines on one io_context: acquire() suspends (no thread blocks,
// no polling) until a unit is free; waiters are served first come, first served.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <list>

namespace harvest::http {

class async_semaphore {
public:
    async_semaphore(boost::asio::any_io_executor ex, std::size_t units) : ex_(std::move(ex)), available_(units), units_(units) {}
    async_semaphore(const async_semaphore&) = delete;
    async_semaphore& operator=(const async_semaphore&) = delete;

    // True once a unit is held; false when cancel_all() ended the wait.
    boost::asio::awaitable<bool> acquire();
    void release();
    // Wakes every waiter with false; later acquire() calls still work.
    void cancel_all();

    std::size_t in_use() const noexcept { return units_ - available_; }
    std::size_t waiting() const noexcept { return waiters_.size(); }

private:
    struct waiter;
    boost::asio::any_io_executor ex_;
    std::size_t available_;
    std::size_t units_;
    std::list<waiter*> waiters_;
};

} // namespace harvest::http
