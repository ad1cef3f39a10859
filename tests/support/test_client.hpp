#pragma once
// A minimal HTTP/1.1 client for tests: one request per call (or several on one keep-alive
// connection), each run on a private io_context under a hard deadline. It reports transport
// errors as values so that tests can assert which fault the server produced.
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace harvest::test {

struct test_request {
    test_request(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers = {},
                 std::string body = {})
        : method(std::move(method)), target(std::move(target)), headers(std::move(headers)), body(std::move(body)) {}

    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct test_response {
    boost::system::error_code ec; // transport or parse error, if any
    unsigned status = 0;
    std::map<std::string, std::string> headers; // names lower-cased
    std::string body;                           // as received (not decoded)
    std::chrono::steady_clock::duration elapsed{};

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct client_options {
    std::chrono::milliseconds timeout{5000};          // per request, enforced by the stream
    std::optional<std::filesystem::path> tls_ca_file; // set: speak TLS, trusting only this CA
    std::string tls_host = "localhost";               // SNI and host-name verification
};

// Sends the requests in order on one connection; stops at the first error.
std::vector<test_response> fetch_all(std::uint16_t port, const std::vector<test_request>& requests,
                                     const client_options& options = {});

test_response fetch(std::uint16_t port, const test_request& request, const client_options& options = {});
test_response get(std::uint16_t port, const std::string& target,
                  std::vector<std::pair<std::string, std::string>> headers = {});

} // namespace harvest::test
