#pragma once
// The fixture server run in-process on its own thread and io_context, for integration tests.
#include "fixture_catalog.hpp"
#include "fixture_server.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <vector>
#include <thread>

namespace harvest::test {

// The catalog of the repository's real fixtures, loaded once per test process.
fixture::fixture_catalog& real_catalog();
// The same plus 1,000 synthesized records per source.
fixture::fixture_catalog& synthesized_catalog();

// One line of the server's /_fixture/log.
struct log_entry {
    std::uint64_t seq = 0;
    std::string method, target, route, fault;
    unsigned status = 0;
    std::int64_t ms = 0;
};

// A server that answers every data request with the fault `kind`.
inline fixture::fixture_options failing_with(fixture::fault_kind kind) {
    fixture::fixture_options o;
    o.fault_rate = 1.0;
    o.faults = {kind};
    return o;
}

// Every request the server at `port` has recorded, oldest first.
std::vector<log_entry> server_log(std::uint16_t port);

class running_server {
public:
    explicit running_server(fixture::fixture_options options = {}, fixture::fixture_catalog& catalog = real_catalog());
    ~running_server();
    running_server(const running_server&) = delete;
    running_server& operator=(const running_server&) = delete;

    std::uint16_t port() const noexcept { return port_; }

private:
    boost::asio::io_context ioc_{1};
    std::unique_ptr<fixture::fixture_server> server_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

} // namespace harvest::test
