// The HTTP engine against the fixture server on 127.0.0.1: pooling, concurrency, limits,
// retries, redirects, TLS, body limits and cancellation. Every case runs under a deadline.
#include "support/run_until_done.hpp"
#include "support/self_signed.hpp"
#include "support/test_client.hpp"
#include "support/test_server.hpp"

#include <harvest/error.hpp>
#include <harvest/http/client.hpp>

#include <doctest/doctest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

using namespace harvest;
using namespace harvest::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using fixture::fault_kind;
using fixture::fixture_options;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

http::client_options test_options() {
    http::client_options o;
    o.retry.backoff = {10ms, 100ms}; // fast retries keep the suite quick
    o.seed = 42;
    return o;
}

std::string url(std::uint16_t port, std::string_view path, std::string_view scheme = "http", std::string_view host = "127.0.0.1") {
    return std::string(scheme) + "://" + std::string(host) + ":" + std::to_string(port) + std::string(path);
}

http::request get_request(std::string u) {
    http::request r;
    r.url = std::move(u);
    return r;
}

asio::awaitable<void> fetch_into(http::client& c, const http::request& req, http::fetch_result& out,
                                 std::size_t& remaining, asio::steady_timer& all_done, std::chrono::milliseconds delay) {
    if (delay.count() > 0) {
        asio::steady_timer t(co_await asio::this_coro::executor, delay);
        co_await t.async_wait(use_tuple);
    }
    out = co_await c.fetch(req);
    if (--remaining == 0) all_done.cancel();
}

// Starts every request at once (or after its delay); results in request order.
asio::awaitable<std::vector<http::fetch_result>> fetch_concurrently(http::client& c, const std::vector<http::request>& reqs,
                                                                    std::vector<std::chrono::milliseconds> delays) {
    auto ex = co_await asio::this_coro::executor;
    std::vector<http::fetch_result> results(reqs.size());
    std::size_t remaining = reqs.size();
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    delays.resize(reqs.size());
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        auto task = fetch_into(c, reqs[i], results[i], remaining, all_done, delays[i]);
        asio::co_spawn(ex, std::move(task), asio::detached);
    }
    if (remaining > 0) co_await all_done.async_wait(use_tuple);
    co_return results;
}

asio::awaitable<int> cancel_after(http::client& c, std::chrono::milliseconds delay) {
    asio::steady_timer t(co_await asio::this_coro::executor, delay);
    co_await t.async_wait(use_tuple);
    c.cancel_all();
    co_return 0;
}

struct engine {
    asio::io_context ioc{1};
    http::client client;

    explicit engine(http::client_options o = test_options()) : client(ioc.get_executor(), std::move(o)) {}

    std::vector<http::fetch_result> fetch_all(const std::vector<http::request>& reqs,
                                              std::vector<std::chrono::milliseconds> delays = {},
                                              std::chrono::milliseconds deadline = 30s) {
        auto task = fetch_concurrently(client, reqs, std::move(delays));
        return run_until_done(ioc, std::move(task), deadline);
    }
    http::fetch_result fetch(const http::request& r) { return fetch_all({r}).front(); }
    http::fetch_result get(std::string u) { return fetch(get_request(std::move(u))); }
};

std::vector<http::request> gets(std::uint16_t port, std::string_view path, std::size_t n) {
    return std::vector<http::request>(n, get_request(url(port, path)));
}

} // namespace

TEST_CASE("keep-alive: sequential requests reuse one pooled connection") {
    running_server server;
    engine e;
    for (int i = 0; i < 20; ++i) {
        auto r = e.get(url(server.port(), "/pypi/six/json"));
        REQUIRE(r.ok());
        CHECK(r.res.status == 200);
    }
    CHECK(e.client.stats().connections_opened == 1);
    CHECK(e.client.stats().connections_reused == 19);
    CHECK(get(server.port(), "/_fixture/stats").body.find(R"("connections":2)") != std::string::npos); // ours + this one
}

TEST_CASE("100 requests in flight at once with --workers 100") {
    fixture_options o;
    o.latency = 300ms;
    running_server server(o);
    engine e;
    auto results = e.fetch_all(gets(server.port(), "/pypi/pytest/json", 100));
    for (const auto& r : results) CHECK(r.res.status == 200);
    CHECK(e.client.stats().peak_in_flight == 100);
    CHECK(e.client.stats().connections_opened == 100);
    CHECK(server_log(server.port()).size() == 100);
}

TEST_CASE("--workers bounds the requests in flight, --max-per-host and per-host defaults the connections to one host") {
    fixture_options o;
    o.latency = 30ms;
    running_server server(o);
    auto opts = test_options();
    opts.workers = 8;
    engine e(opts);
    auto results = e.fetch_all(gets(server.port(), "/pypi/pytest/json", 40));
    for (const auto& r : results) CHECK(r.ok());
    CHECK(e.client.stats().peak_in_flight == 8);
    CHECK(e.client.stats().connections_opened <= 8);

    auto per_host = test_options();
    per_host.workers = 50;
    per_host.max_per_host = 3;
    engine f(per_host);
    for (const auto& r : f.fetch_all(gets(server.port(), "/pypi/pytest/json", 30))) CHECK(r.ok());
    CHECK(f.client.stats().connections_opened <= 3);

    // A host's own cap (the polite SPARQL default: 2) below --max-per-host; other hosts keep theirs.
    auto capped = test_options();
    capped.workers = 50;
    capped.host_connections = {{"127.0.0.1", 2}, {"localhost", 40}};
    engine g(capped);
    for (const auto& r : g.fetch_all(gets(server.port(), "/pypi/pytest/json", 30))) CHECK(r.ok());
    CHECK(g.client.stats().connections_opened <= 2);
    CHECK(g.client.stats().connections_opened >= 1);
}

TEST_CASE("every transient fault is retried until the request succeeds") {
    for (auto kind : {fault_kind::http_500, fault_kind::http_503, fault_kind::reset_before, fault_kind::reset_mid,
                      fault_kind::truncate, fault_kind::stall}) {
        INFO("fault: " << fixture::to_string(kind));
        fixture_options o;
        o.fault_rate = 0.3;
        o.faults = {kind};
        o.seed = 3;
        o.stall = 10s;
        running_server server(o);
        auto opts = test_options();
        opts.timeouts.first_byte = 300ms;
        opts.retry.max_retries = 8;
        engine e(opts);
        auto results = e.fetch_all(gets(server.port(), "/pypi/celery/json", 30));
        for (const auto& r : results) {
            CHECK_MESSAGE(r.ok(), r.error);
            CHECK(r.res.status == 200);
            CHECK(r.res.body.size() == 191060);
        }
        CHECK(e.client.stats().retries > 0);
        const auto log = server_log(server.port());
        // Each fault cost one retry, or one immediate re-send when it hit a pooled connection
        // before any response byte (indistinguishable from a connection the server had closed).
        const auto& stats = e.client.stats();
        CHECK(std::count_if(log.begin(), log.end(), [](const log_entry& l) { return !l.fault.empty(); }) ==
              static_cast<long>(stats.retries + stats.stale_resends));
    }
}

TEST_CASE("404 is an answer, not a failure, 503 after every retry is a failure naming URL and status") {
    running_server server;
    engine e;
    auto missing = e.get(url(server.port(), "/pypi/no-such-project/json"));
    CHECK(missing.ok());
    CHECK(missing.res.status == 404);
    CHECK(missing.attempts == 1);

    fixture_options o;
    o.fault_rate = 1.0;
    o.faults = {fault_kind::http_503};
    running_server failing(o);
    auto opts = test_options();
    opts.retry.budget = 20s; // 503 asks for Retry-After: 1
    opts.retry.max_retries = 2;
    engine f(opts);
    const auto target = url(failing.port(), "/pypi/six/json");
    auto r = f.get(target);
    CHECK(r.ec == errc::retries_exhausted);
    CHECK(r.attempts == 3);
    CHECK(r.res.status == 503);
    CHECK(r.error == "GET " + target + ": HTTP 503 after 3 attempts");
    CHECK(server_log(failing.port()).size() == 3);
}

TEST_CASE("a 500 the source classifies as permanent is not retried") {
    running_server server;
    engine e;
    auto req = get_request(url(server.port(), "/glycan/detail/G99999ZZ/"));
    req.is_permanent = [](const http::response& r) { return r.body.find("non-existent-record") != std::string::npos; };
    auto r = e.fetch(req);
    CHECK(r.ok());
    CHECK(r.res.status == 500);
    CHECK(r.attempts == 1);
    CHECK(server_log(server.port()).size() == 1);
}

TEST_CASE("429 with Retry-After pauses the whole host, not just that request") {
    fixture_options o;
    o.rate = 1.0;
    o.burst = 1.0;
    running_server server(o);
    engine e;
    const auto target = url(server.port(), "/pypi/six/json");
    REQUIRE(e.get(target).ok()); // takes the only token
    // B is refused with Retry-After: 1; C starts 100 ms later and must wait out B's pause.
    auto results = e.fetch_all({get_request(target), get_request(target)}, {0ms, 100ms});
    for (const auto& r : results) CHECK_MESSAGE(r.ok(), r.error);
    const auto log = server_log(server.port());
    REQUIRE(log.size() >= 3);
    REQUIRE(log[1].status == 429);
    for (std::size_t i = 2; i < log.size(); ++i) CHECK(log[i].ms >= log[1].ms + 950);
}

TEST_CASE("--rate paces requests to one host, other hosts have their own bucket") {
    running_server server;
    auto opts = test_options();
    opts.rate = http::rate_limit{20.0, 1.0};
    engine e(opts);
    auto results = e.fetch_all(gets(server.port(), "/pypi/six/json", 11));
    for (const auto& r : results) CHECK(r.ok());
    const auto log = server_log(server.port());
    REQUIRE(log.size() == 11);
    CHECK(log.back().ms - log.front().ms >= 450); // 10 intervals of 50 ms, minus scheduling slack
}

TEST_CASE("redirects: followed to the normalised name, loops and long chains are errors") {
    running_server server;
    engine e;
    auto moved = e.get(url(server.port(), "/pypi/CAGE/json"));
    REQUIRE(moved.ok());
    CHECK(moved.res.status == 200);
    CHECK(moved.res.url == url(server.port(), "/pypi/cage/json"));

    CHECK(e.get(url(server.port(), "/_fixture/hops/5")).res.status == 200);
    auto chain = e.get(url(server.port(), "/_fixture/hops/6"));
    CHECK(chain.ec == errc::too_many_redirects);
    auto loop = e.get(url(server.port(), "/_fixture/loop/a"));
    CHECK(loop.ec == errc::redirect_loop);
    CHECK(loop.error.find("/_fixture/loop/a") != std::string::npos);
}

TEST_CASE("credentials: --header and a URL's user:password are sent, kept on the same host, dropped on a redirect to another") {
    running_server server, other;
    auto opts = test_options();
    opts.headers = {{"Authorization", "Bearer s3cret"}, {"X-Trace", "t1"}};
    engine e(opts);
    const auto headers = url(server.port(), "/_fixture/headers");
    auto direct = e.get(headers);
    REQUIRE_MESSAGE(direct.ok(), direct.error);
    CHECK(direct.res.body.find("Authorization: Bearer s3cret\n") != std::string::npos);
    CHECK(direct.res.body.find("X-Trace: t1\n") != std::string::npos);
    auto same_host = e.get(url(server.port(), "/_fixture/redirect?to=/_fixture/headers"));
    CHECK(same_host.res.body.find("Bearer s3cret") != std::string::npos);
    auto elsewhere = e.get(url(server.port(), "/_fixture/redirect?to=" + url(other.port(), "/_fixture/headers")));
    REQUIRE_MESSAGE(elsewhere.ok(), elsewhere.error);
    CHECK(elsewhere.res.body.find("X-Trace: t1\n") != std::string::npos);
    CHECK(elsewhere.res.body.find("s3cret") == std::string::npos);

    engine plain;
    const auto with_user = "http://alice:open%20sesame@127.0.0.1:" + std::to_string(server.port());
    auto basic = plain.get(with_user + "/_fixture/headers");
    CHECK(basic.res.body.find("Authorization: Basic YWxpY2U6b3BlbiBzZXNhbWU=\n") != std::string::npos); // alice:open sesame
    auto relative = plain.get(with_user + "/_fixture/redirect?to=/_fixture/headers");
    CHECK(relative.res.body.find("Authorization: Basic") != std::string::npos);
    auto away = plain.get(with_user + "/_fixture/redirect?to=" + url(other.port(), "/_fixture/headers"));
    REQUIRE_MESSAGE(away.ok(), away.error);
    CHECK(away.res.body.find("Authorization") == std::string::npos);
}

TEST_CASE("TLS: verified by default, rejected naming the host, accepted with --ca-file") {
    self_signed_cert cert("localhost");
    fixture_options o;
    o.tls_cert = cert.cert();
    o.tls_key = cert.key();
    running_server server(o);
    const auto target = url(server.port(), "/pypi/six/json", "https", "localhost");

    engine strict;
    auto rejected = strict.get(target);
    CHECK_FALSE(rejected.ok());
    CHECK(rejected.error.find("TLS handshake with localhost") != std::string::npos);
    CHECK(rejected.attempts == 1); // not a transient failure

    auto opts = test_options();
    opts.ca_file = cert.cert();
    engine trusting(opts);
    auto ok = trusting.get(target);
    CHECK_MESSAGE(ok.ok(), ok.error);
    CHECK(ok.res.status == 200);

    // https -> http is refused.
    running_server plain;
    auto down = trusting.get(url(server.port(), "/_fixture/redirect?to=" + url(plain.port(), "/pypi/six/json"), "https", "localhost"));
    CHECK(down.ec == errc::insecure_redirect);
    CHECK(server_log(plain.port()).empty());
}

TEST_CASE("bodies: a decompression bomb and an oversized body fail fast with a clear error") {
    running_server server;
    auto opts = test_options();
    opts.body_limit = 1 << 20;
    engine e(opts);
    auto bomb = e.get(url(server.port(), "/_fixture/bomb?mb=64"));
    CHECK(bomb.ec == errc::body_too_large);
    CHECK(bomb.error.find("decoding the body") != std::string::npos);
    CHECK(bomb.attempts == 1);

    opts.body_limit = 100 * 1024;
    engine small(opts);
    auto big = small.get(url(server.port(), "/pypi/celery/json")); // 191 KB decoded
    CHECK(big.ec == errc::body_too_large);
}

TEST_CASE("gzip responses are decoded transparently") {
    running_server server;
    engine e;
    auto r = e.get(url(server.port(), "/glycan/detail/G17689DH/"));
    REQUIRE(r.ok());
    CHECK(r.res.body.size() == 141887);
    CHECK(r.res.header("content-encoding") == "gzip");
}

TEST_CASE("cancel_all ends every pending fetch promptly with errc::cancelled") {
    fixture_options o;
    o.fault_rate = 1.0;
    o.faults = {fault_kind::stall};
    o.stall = 60s;
    running_server server(o);
    auto opts = test_options();
    opts.workers = 4; // some fetches wait for a worker, others are on the wire
    engine e(opts);
    auto canceller = cancel_after(e.client, 200ms);
    asio::co_spawn(e.ioc, std::move(canceller), asio::detached);
    auto results = e.fetch_all(gets(server.port(), "/pypi/six/json", 10), {}, 5s);
    for (const auto& r : results) CHECK(r.ec == errc::cancelled);
}

TEST_CASE("bad URLs are refused before any I/O") {
    engine e;
    CHECK(e.get("ftp://example.org/x").ec == errc::bad_url);
    CHECK(e.get("not a url").ec == errc::bad_url);
    CHECK(e.get("http:///path").ec == errc::bad_url);
}

TEST_CASE("streamed bodies: decoded pieces as they arrive, started over on every retry") {
    fixture_options o;
    o.fault_rate = 0.5;
    o.faults = {fault_kind::truncate, fault_kind::reset_mid};
    o.seed = 5;
    running_server server(o);
    auto opts = test_options();
    opts.retry.max_retries = 10;
    engine e(opts);
    std::string received;
    std::size_t pieces = 0, restarts = 0;
    auto req = get_request(url(server.port(), "/glycan/detail/G17689DH/"));
    req.on_body = [&](std::string_view piece) {
        received.append(piece);
        ++pieces;
    };
    req.on_restart = [&] {
        received.clear();
        ++restarts;
    };
    for (int i = 0; i < 5; ++i) {
        auto r = e.fetch(req);
        REQUIRE_MESSAGE(r.ok(), r.error);
        CHECK(r.res.body.empty()); // handed over, not collected
        CHECK(received.size() == 141887);
        CHECK(received.starts_with("{"));
    }
    CHECK(pieces > 5);
    CHECK(restarts > 5); // some attempts were cut short and started over
    CHECK(server_log(server.port()).size() == restarts);

    auto limited = req;
    limited.body_limit = 100'000;
    auto r = e.fetch(limited);
    CHECK(r.ec == errc::body_too_large);
}
