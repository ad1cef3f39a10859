#pragma once
// Runs one coroutine to completion on a test's io_context under a hard deadline, and fails the
// test if the deadline passes first or if any work (timers, sockets' operations) is left behind.
#include <doctest/doctest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>

namespace harvest::test {

template <class T>
T run_until_done(boost::asio::io_context& ioc, boost::asio::awaitable<T> task, std::chrono::milliseconds deadline) {
    std::optional<T> result;
    std::exception_ptr failure;
    bool done = false;
    auto on_done = [&](std::exception_ptr e, T value) {
        done = true;
        failure = e;
        if (!e) result.emplace(std::move(value));
    };
    boost::asio::co_spawn(ioc, std::move(task), on_done);
    ioc.run_for(deadline);
    REQUIRE_MESSAGE(done, "the coroutine did not finish before its deadline");
    REQUIRE_MESSAGE(ioc.stopped(), "the coroutine finished but left work behind");
    ioc.restart();
    if (failure) std::rethrow_exception(failure);
    return std::move(*result);
}

} // namespace harvest::test
