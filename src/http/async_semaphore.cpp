#include <harvest/http/async_semaphore.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace harvest::http {

struct async_semaphore::waiter {
    boost::asio::steady_timer timer;
    bool granted = false;
    bool queued = true;
};

boost::asio::awaitable<bool> async_semaphore::acquire() {
    if (available_ > 0 && waiters_.empty()) {
        --available_;
        co_return true;
    }
    waiter w{boost::asio::steady_timer(ex_, boost::asio::steady_timer::time_point::max())};
    const auto position = waiters_.insert(waiters_.end(), &w);
    // If this coroutine is destroyed while suspended, it must not stay in the queue.
    struct dequeue_on_exit {
        std::list<waiter*>& list;
        std::list<waiter*>::iterator it;
        waiter& w;
        ~dequeue_on_exit() {
            if (w.queued) list.erase(it);
        }
    } guard{waiters_, position, w};
    co_await w.timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return w.granted;
}

void async_semaphore::release() {
    if (waiters_.empty()) {
        ++available_;
        return;
    }
    waiter* next = waiters_.front();
    waiters_.pop_front();
    next->queued = false;
    next->granted = true; // the unit passes straight to the waiter
    next->timer.cancel();
}

void async_semaphore::cancel_all() {
    while (!waiters_.empty()) {
        waiter* w = waiters_.front();
        waiters_.pop_front();
        w->queued = false;
        w->timer.cancel();
    }
}

} // namespace harvest::http
