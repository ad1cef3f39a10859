#pragma once
// The HTTP engine: one io_context, coroutines, keep-alive connection pools per (scheme, host,
// port), at most `workers` requests in flight, a per-host limiter, retries with backoff and
// Retry-After, redirects, content decoding and a body limit. fetch() never throws for network
// or server trouble: the outcome is a fetch_result with an error_code and a one-line message.
#include <harvest/http/client_options.hpp>
#include <harvest/http/fetch.hpp>
#include <harvest/http/latency_histogram.hpp>
#include <harvest/logger.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace harvest::http {

// How one host was paced: the rate it settled at, learned from its 429/503 answers.
struct host_pace {
    std::string host;               // host:port
    std::optional<double> ceiling;  // the configured or default rate; nullopt: none (loopback)
    std::optional<double> rate;     // requests/s at the end; nullopt: never paced
    std::uint64_t throttles = 0;    // 429 and 503 answers
    std::uint64_t decreases = 0;    // times the rate was lowered (or pacing began)
};

struct client_stats {
    std::uint64_t attempts = 0;           // requests put on the wire
    std::uint64_t retries = 0;
    std::uint64_t stale_resends = 0;      // re-sent at once because a pooled connection was dead
    std::uint64_t connections_opened = 0;
    std::uint64_t connections_reused = 0;
    std::uint64_t bytes = 0;              // decoded body bytes received
    std::size_t peak_in_flight = 0;
    std::map<unsigned, std::uint64_t> by_status;
    // Where requests spend their time (sums over all requests, so beyond wall time when many
    // are in flight): waiting for a host slot and a rate-limit token, and on the network.
    std::chrono::nanoseconds limiter_wait{0};
    std::chrono::nanoseconds network{0};
    latency_histogram latency; // per attempt, from the first byte sent to the last byte read
    std::vector<host_pace> hosts; // by host:port
};

class client {
public:
    // Throws harvest::failure (setting "ca-file", naming the file) when the CA file cannot be loaded.
    // `log` (debug level: every attempt, retry, pause and permanence decision) must outlive the client.
    client(boost::asio::any_io_executor ex, client_options options, const logger& log = logger::silent());
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // `req` must stay alive until the fetch completes (as it does when co_awaited at once).
    boost::asio::awaitable<fetch_result> fetch(const request& req);

    // Ends every pending and future fetch with errc::cancelled and closes every connection.
    void cancel_all();
    // A source's own wait between requests (a stale page's backoff); false when cancel_all ended it.
    boost::asio::awaitable<bool> sleep_for(std::chrono::milliseconds d);

    std::size_t in_flight() const noexcept;
    const client_stats& stats() const; // hosts' paces as of now
    const client_options& options() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace harvest::http
