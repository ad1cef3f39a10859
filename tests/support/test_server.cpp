#include "test_server.hpp"

namespace harvest::test {

const fixture::fixture_catalog& real_catalog() {
    static const fixture::fixture_catalog catalog(HARVEST_FIXTURE_DIR, 0);
    return catalog;
}

const fixture::fixture_catalog& synthesized_catalog() {
    static const fixture::fixture_catalog catalog(HARVEST_FIXTURE_DIR, 1000);
    return catalog;
}

running_server::running_server(fixture::fixture_options options, const fixture::fixture_catalog& catalog)
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
