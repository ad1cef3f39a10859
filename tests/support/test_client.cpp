#include "test_client.hpp"

#include <doctest/doctest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <cctype>

namespace harvest::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

test_response failed(boost::system::error_code ec) {
    test_response r;
    r.ec = ec;
    return r;
}

template <class Stream>
asio::awaitable<void> run_requests(Stream& stream, const std::vector<test_request>& requests,
                                   const client_options& options, std::vector<test_response>& out) {
    beast::flat_buffer buffer;
    for (const auto& r : requests) {
        test_response res;
        const auto start = std::chrono::steady_clock::now();
        http::request<http::string_body> req{http::string_to_verb(r.method), r.target, 11};
        req.set(http::field::host, "127.0.0.1");
        for (const auto& [name, value] : r.headers) req.set(name, value);
        if (!r.body.empty() || r.method == "POST") {
            req.body() = r.body;
            req.prepare_payload();
        }
        beast::get_lowest_layer(stream).expires_after(options.timeout);
        auto [write_ec, written] = co_await http::async_write(stream, req, use_tuple);
        if (write_ec) {
            res.ec = write_ec;
            out.push_back(std::move(res));
            co_return;
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(256 * 1024 * 1024);
        parser.skip(r.method == "HEAD");
        auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
        res.elapsed = std::chrono::steady_clock::now() - start;
        res.ec = read_ec;
        if (parser.is_header_done()) {
            res.status = parser.get().result_int();
            for (const auto& field : parser.get()) {
                std::string name(field.name_string());
                std::ranges::transform(name, name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                res.headers[name] = std::string(field.value());
            }
            res.body = parser.get().body();
        }
        out.push_back(std::move(res));
        if (read_ec) co_return;
    }
}

asio::awaitable<void> connect_and_run(std::uint16_t port, const std::vector<test_request>& requests,
                                      const client_options& options, std::vector<test_response>& out) {
    beast::tcp_stream tcp(co_await asio::this_coro::executor);
    tcp.expires_after(options.timeout);
    auto [ec] = co_await tcp.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), use_tuple);
    if (ec) {
        out.push_back(failed(ec));
        co_return;
    }
    if (!options.tls_ca_file) {
        co_await run_requests(tcp, requests, options, out);
        co_return;
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(options.tls_ca_file->string());
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> tls(std::move(tcp), ctx);
    SSL_set_tlsext_host_name(tls.native_handle(), options.tls_host.c_str());
    tls.set_verify_callback(asio::ssl::host_name_verification(options.tls_host));
    auto [handshake_ec] = co_await tls.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (handshake_ec) {
        out.push_back(failed(handshake_ec));
        co_return;
    }
    co_await run_requests(tls, requests, options, out);
}

} // namespace

std::vector<test_response> fetch_all(std::uint16_t port, const std::vector<test_request>& requests,
                                     const client_options& options) {
    asio::io_context ioc(1);
    std::vector<test_response> out;
    bool done = false;
    std::exception_ptr failure;
    auto task = connect_and_run(port, requests, options, out);
    auto on_done = [&](std::exception_ptr e) {
        done = true;
        failure = e;
    };
    asio::co_spawn(ioc, std::move(task), on_done);
    // Hard deadline: the stream's own timeouts fire well before this.
    ioc.run_for(options.timeout * static_cast<int>(requests.size() + 1) + std::chrono::seconds(2));
    REQUIRE_MESSAGE(done, "test client: the exchange did not finish before its deadline");
    REQUIRE_MESSAGE(ioc.stopped(), "test client: work left behind");
    if (failure) std::rethrow_exception(failure);
    return out;
}

test_response fetch(std::uint16_t port, const test_request& request, const client_options& options) {
    auto all = fetch_all(port, {request}, options);
    REQUIRE(all.size() == 1);
    return all.front();
}

test_response get(std::uint16_t port, const std::string& target, std::vector<std::pair<std::string, std::string>> headers) {
    return fetch(port, test_request{"GET", target, std::move(headers), {}});
}

} // namespace harvest::test
