#include "test_server.hpp"

#include "test_client.hpp"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <sstream>

namespace harvest::test {

fixture::fixture_catalog& real_catalog() {
    static fixture::fixture_catalog catalog(HARVEST_FIXTURE_DIR, 0);
    return catalog;
}

fixture::fixture_catalog& synthesized_catalog() {
    static fixture::fixture_catalog catalog(HARVEST_FIXTURE_DIR, 1000);
    return catalog;
}

std::vector<log_entry> server_log(std::uint16_t port) {
    auto r = get(port, "/_fixture/log?since=0");
    REQUIRE(r.status == 200);
    std::vector<log_entry> out;
    simdjson::dom::parser parser;
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);) {
        simdjson::dom::object o;
        REQUIRE(parser.parse(line).get(o) == simdjson::SUCCESS);
        log_entry e;
        e.seq = std::uint64_t(o["seq"]);
        e.method = std::string(std::string_view(o["method"]));
        e.target = std::string(std::string_view(o["target"]));
        e.route = std::string(std::string_view(o["route"]));
        e.status = static_cast<unsigned>(std::uint64_t(o["status"]));
        e.ms = std::int64_t(o["ms"]);
        std::string_view fault;
        if (o["fault"].get(fault) == simdjson::SUCCESS) e.fault = std::string(fault);
        out.push_back(std::move(e));
    }
    return out;
}

running_server::running_server(fixture::fixture_options options, fixture::fixture_catalog& catalog)
    : server_(std::make_unique<fixture::fixture_server>(ioc_, catalog, std::move(options))), port_(server_->port()) {
    server_->start();
    thread_ = std::thread([this] { ioc_.run(); });
}

running_server::~running_server() {
    ioc_.stop();
    thread_.join();
    server_.reset(); // pending session frames are destroyed with the io_context after this
}

} // namespace harvest::test
