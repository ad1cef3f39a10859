// harvest-bench: drives the HTTP engine alone (no parsing, no output) over a list of URLs, the
// way the peers in bench/peers/ drive theirs, and prints one JSON line of results.
#include <harvest/export/json_writer.hpp>
#include <harvest/http/client.hpp>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fstream>
#include <iostream>

namespace asio = boost::asio;
using namespace harvest;

namespace {

struct run_state {
    std::vector<std::string> urls;
    std::size_t count = 0;
    std::size_t next = 0;
    std::size_t ok = 0;
};

// One of W loops: each takes the next URL until `count` requests have been sent.
asio::awaitable<void> loop(http::client& client, run_state& state) {
    while (state.next < state.count) {
        http::request req;
        req.url = state.urls[state.next++ % state.urls.size()];
        auto r = co_await client.fetch(req);
        if (r.ok() && r.res.status == 200) ++state.ok;
    }
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"harvest-bench: the engine alone against a URL list"};
    std::string urls_file;
    run_state state;
    http::client_options options;
    std::optional<double> rate;
    double burst = 1;
    app.add_option("--urls", urls_file, "File with one URL per line (used round-robin)")->required()->check(CLI::ExistingFile);
    app.add_option("--count", state.count, "Requests to send")->required();
    app.add_option("--workers", options.workers, "Requests in flight")->capture_default_str();
    app.add_option("--rate", rate, "Requests per second per host");
    app.add_option("--burst", burst, "Token bucket size")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (rate) options.rate = http::rate_limit{*rate, burst};
    std::ifstream in(urls_file);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) state.urls.push_back(line);
    if (state.urls.empty()) {
        std::cerr << "harvest-bench: --urls " << urls_file << ": no URLs\n";
        return 2;
    }

    asio::io_context ioc(1);
    http::client client(ioc.get_executor(), options);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < options.workers; ++i) {
        auto task = loop(client, state);
        asio::co_spawn(ioc, std::move(task), asio::detached);
    }
    ioc.run();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::string out;
    exporting::json_writer w(out);
    w.begin_object().key("tool").value("harvest").key("requests").value(static_cast<std::uint64_t>(state.count))
        .key("ok").value(static_cast<std::uint64_t>(state.ok)).key("elapsed").value(elapsed)
        .key("retries").value(client.stats().retries)
        .key("connections").value(client.stats().connections_opened).key("latency_us").begin_object();
    for (const double p : {0.5, 0.9, 0.99, 1.0})
        w.key("p" + std::to_string(static_cast<int>(p * 100))).value(static_cast<std::uint64_t>(client.stats().latency.percentile(p).count()));
    w.end_object().key("status").begin_object();
    for (const auto& [status, n] : client.stats().by_status) w.key(std::to_string(status)).value(n);
    w.end_object().end_object();
    std::cout << out << std::endl;
    return state.ok == state.count ? 0 : 1;
}
