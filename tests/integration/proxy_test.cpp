// Requests through a real proxy: Debian's tinyproxy, started by the test on 127.0.0.1.
#include "support/child_process.hpp"
#include "support/run_until_done.hpp"
#include "support/self_signed.hpp"
#include "support/test_server.hpp"

#include <harvest/error.hpp>
#include <harvest/http/client.hpp>

#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>

#include <fstream>
#include <sstream>
#include <thread>

using namespace harvest;
using namespace harvest::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

std::uint16_t free_port() {
    asio::io_context ioc;
    asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

bool accepts(std::uint16_t port) {
    asio::io_context ioc;
    asio::ip::tcp::socket s(ioc);
    boost::system::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    return !ec;
}

// tinyproxy in the foreground with a private config and log; stopped by PID on destruction.
struct tinyproxy {
    fs::path dir = make_temp_dir("harvest-proxy");
    std::uint16_t port = free_port();
    std::unique_ptr<child_process> process;

    explicit tinyproxy(const std::string& extra_config = {}) {
        std::ofstream(dir / "tinyproxy.conf") << "Port " << port << "\nListen 127.0.0.1\nTimeout 30\nMaxClients 200\n"
                                               << "Allow 127.0.0.1\nLogLevel Connect\nLogFile \"" << (dir / "tinyproxy.log").string()
                                               << "\"\n" << extra_config;
        process = std::make_unique<child_process>(std::vector<std::string>{"/usr/bin/tinyproxy", "-d", "-c", (dir / "tinyproxy.conf").string()});
        for (int i = 0; i < 100 && !accepts(port); ++i) std::this_thread::sleep_for(20ms);
        REQUIRE_MESSAGE(accepts(port), "tinyproxy did not start");
    }
    ~tinyproxy() {
        process.reset(); // SIGKILL by PID, then reaped
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::size_t connects() const {
        std::ifstream in(dir / "tinyproxy.log");
        std::size_t n = 0;
        for (std::string line; std::getline(in, line);)
            if (line.find("Request (file descriptor") != std::string::npos && line.find(": CONNECT ") != std::string::npos) ++n;
        return n;
    }
    http::proxy_endpoint endpoint() const { return {"127.0.0.1", port, {}}; }
};

http::fetch_result fetch_once(http::client_options options, const std::string& url) {
    asio::io_context ioc(1);
    http::client client(ioc.get_executor(), std::move(options));
    http::request req;
    req.url = url;
    auto task = client.fetch(req);
    return run_until_done(ioc, std::move(task), 20s);
}

} // namespace

TEST_CASE("http_proxy: plain HTTP goes through a CONNECT tunnel") {
    running_server server;
    tinyproxy proxy;
    http::client_options o;
    o.proxy.http = proxy.endpoint();
    auto r = fetch_once(o, "http://127.0.0.1:" + std::to_string(server.port()) + "/pypi/six/json");
    CHECK_MESSAGE(r.ok(), r.error);
    CHECK(r.res.status == 200);
    CHECK(proxy.connects() == 1);
    CHECK(server_log(server.port()).size() == 1);
}

TEST_CASE("https_proxy: TLS to the origin inside the tunnel, verified end to end") {
    self_signed_cert cert("localhost");
    fixture::fixture_options so;
    so.tls_cert = cert.cert();
    so.tls_key = cert.key();
    running_server server(so);
    tinyproxy proxy;
    http::client_options o;
    o.proxy.https = proxy.endpoint();
    o.ca_file = cert.cert();
    auto r = fetch_once(o, "https://localhost:" + std::to_string(server.port()) + "/glycan/detail/G17689DH/");
    CHECK_MESSAGE(r.ok(), r.error);
    CHECK(r.res.body.size() == 141887);
    CHECK(proxy.connects() == 1);
}

TEST_CASE("no_proxy hosts go direct") {
    running_server server;
    tinyproxy proxy;
    http::client_options o;
    o.proxy.http = proxy.endpoint();
    o.proxy.no_proxy = {"127.0.0.1"};
    auto r = fetch_once(o, "http://127.0.0.1:" + std::to_string(server.port()) + "/pypi/six/json");
    CHECK(r.ok());
    CHECK(proxy.connects() == 0);
}

TEST_CASE("a proxy that refuses the tunnel is a clear, permanent error") {
    running_server server;
    tinyproxy proxy("ConnectPort 443\n"); // tunnels to other ports are refused
    http::client_options o;
    o.proxy.http = proxy.endpoint();
    auto r = fetch_once(o, "http://127.0.0.1:" + std::to_string(server.port()) + "/pypi/six/json");
    CHECK(r.ec == errc::proxy_refused);
    CHECK(r.error.find("proxy 127.0.0.1:" + std::to_string(proxy.port)) != std::string::npos);
    CHECK(r.attempts == 1);
    CHECK(server_log(server.port()).empty());
}
