#pragma once
// The offline replay of the real APIs: a Beast server on one io_context that answers from a
// fixture_catalog, with knobs for latency, per-route rate limits, injected faults, gzip and TLS,
// and a control endpoint (/_fixture/stats, /_fixture/log, /_fixture/reset) so that tests see
// exactly which requests arrived.
#include "fixture_catalog.hpp"
#include "fixture_router.hpp"

#include <harvest/limit/token_bucket.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace harvest::fixture {

enum class fault_kind {
    http_500,     // 500 with a JSON error body
    http_502,     // 502 with an HTML body, as from a proxy
    http_503,     // 503 with Retry-After (fault_retry_after)
    http_429,     // 429 with Retry-After (fault_retry_after)
    reset_before, // connection reset before any response byte
    reset_mid,    // headers and half the body, then a reset
    truncate,     // headers and half the body, then an orderly close
    malformed,    // 200 with a well-framed body that is not valid JSON
    stall,        // never answers (until the stall time passes)
};

// Projects that misbehave on every request, for hardening tests: GET /pypi/hostile-<kind>/json,
// or hostile-<kind>-<anything> for many distinct projects of one kind.
enum class hostile_kind {
    gzip_bomb,        // 4 MiB of gzip that decodes to 4 GiB
    huge_body,        // Content-Length: 1 GiB, sent as fast as the client reads
    endless_chunked,  // a chunked body that never ends
    many_headers,     // 100,000 header lines
    long_header_line, // one 1 MiB header line
    bad_chunk_size,   // a chunk size that is not hexadecimal
    not_http,         // an SSH banner instead of a status line
    slowloris,        // a valid response, one byte per second
    never_answers,    // reads the request, answers nothing
    reset_mid,        // headers and half the body, then a reset: every time
    redirect_loop,    // 302 to itself
    redirect_scheme,  // 302 to an ftp:// URL
    rate_storm,       // 429 with Retry-After: 600
    lying_length,     // Content-Length: 60 MiB (under the default limit), 1 KiB of body, a close 1 s later
};
std::string_view to_string(hostile_kind k) noexcept;
const std::vector<hostile_kind>& all_hostile_kinds();
// The hostile project a request target names ("/pypi/hostile-gzip-bomb/json"), if any.
std::optional<hostile_kind> hostile_project(std::string_view target) noexcept;

std::string_view to_string(fault_kind k) noexcept;
std::optional<fault_kind> parse_fault_kind(std::string_view name) noexcept;
const std::vector<fault_kind>& all_fault_kinds();

struct fixture_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0; // 0: any free port
    std::chrono::milliseconds latency{0};
    std::chrono::milliseconds jitter{0}; // uniform extra delay in [0, jitter]
    double rate = 0;                     // per-route requests/s; 0 = unlimited
    double burst = 1;
    unsigned rate_status = 429;          // the answer over the rate: 429 or 503, with Retry-After
    double fault_rate = 0; // fraction of data requests that get a fault
    std::vector<fault_kind> faults = all_fault_kinds();
    std::chrono::milliseconds stall{std::chrono::minutes(10)};
    std::chrono::seconds fault_retry_after{1}; // Retry-After of the injected 429 and 503
    std::uint64_t seed = 1;
    bool gzip = true;
    bool keep_alive = true;
    bool reuse_port = false; // several servers may share the port (the kernel spreads connections)
    std::optional<std::filesystem::path> tls_cert; // PEM chain and key: serve HTTPS only
    std::optional<std::filesystem::path> tls_key;
    std::optional<std::filesystem::path> log_file; // one JSON line per request
};

class fixture_server {
public:
    // Binds and listens at once (throws with the address on failure); serving starts with start().
    fixture_server(boost::asio::io_context& ioc, fixture_catalog& catalog, fixture_options options);
    ~fixture_server();

    std::uint16_t port() const noexcept { return port_; }
    void start();

private:
    struct request_record {
        std::uint64_t seq;
        std::string method, target, route, fault;
        unsigned status;
        std::int64_t ms; // arrival, in milliseconds since the server started
    };
    boost::asio::awaitable<void> accept_loop();
    template <class Stream> boost::asio::awaitable<void> session(Stream stream);
    using request = boost::beast::http::request<boost::beast::http::string_body>;
    template <class Stream> boost::asio::awaitable<bool> respond(Stream& stream, const request& req);
    std::optional<std::chrono::seconds> rate_limited(route_kind route);
    std::optional<fault_kind> pick_fault();
    std::shared_ptr<const std::string> gzipped(const body& b);
    fixture_response control(const fixture_request& req);
    static std::string to_json_line(const request_record& r);
    void record(std::string_view method, std::string_view target, route_kind route,
                std::optional<fault_kind> fault, unsigned status, std::chrono::steady_clock::time_point arrived);

    boost::asio::io_context& ioc_;
    fixture_catalog& catalog_; // POST /_fixture/bump changes it
    fixture_options options_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::optional<boost::asio::ssl::context> tls_;
    std::mt19937_64 rng_;
    std::map<route_kind, limit::token_bucket> buckets_;
    std::unordered_map<std::string, std::shared_ptr<const std::string>> gzip_cache_;
    std::ofstream log_;
    std::map<std::size_t, std::shared_ptr<const std::string>> bombs_; // gzip of N zero bytes

    // Counters for /_fixture/stats and the bounded request log for /_fixture/log.
    std::uint64_t requests_ = 0;
    std::uint64_t connections_ = 0;
    std::map<std::string, std::uint64_t> by_route_, by_status_, by_fault_;
    std::deque<request_record> recent_;
    struct stale_page {
        fixture_response response;
        unsigned remaining = 0;
    };
    std::map<std::string, stale_page, std::less<>> stale_pages_; // request target -> page served before a bump
    fixture_response stale_or_routed(const fixture_request& req);
    template <class Stream> boost::asio::awaitable<void> misbehave(Stream& stream, hostile_kind kind, const std::string& target);
    std::string hostile_response(hostile_kind kind, const std::string& target);
    std::shared_ptr<const std::string> gzip_of_zeros(std::size_t bytes); // a decompression bomb
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

} // namespace harvest::fixture
