// harvest-fixture-server: replays the real PyPI, GlyTouCan/GlyCosmos and GlyGen APIs offline.
#include "fixture_catalog.hpp"
#include "fixture_server.hpp"

#include <harvest/version.hpp>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>

#include <iostream>
#include <sstream>

namespace fixture = harvest::fixture;

int main(int argc, char** argv) {
    CLI::App app{"harvest-fixture-server: an offline replay of the PyPI, GlyTouCan/GlyCosmos and GlyGen APIs"};
    app.set_version_flag("--version", std::string("harvest-fixture-server ") + harvest::version);
    fixture::fixture_options options;
    std::string data_dir = HARVEST_FIXTURE_DIR;
    std::size_t synthesize = 0, dead = 0;
    bool print_port = false;
    std::int64_t latency_ms = 0, jitter_ms = 0, stall_ms = options.stall.count();
    std::string faults;
    std::string tls_cert, tls_key, log_file;
    bool no_gzip = false, no_keep_alive = false;
    std::string pypi_json = "recorded", dependencies = "not-found";

    app.add_option("--address", options.address, "Address to listen on")->capture_default_str();
    app.add_option("--port", options.port, "Port to listen on; 0 picks a free one")->capture_default_str();
    app.add_flag("--print-port", print_port, "Print the port on stdout once listening");
    app.add_option("--data", data_dir, "Fixture directory (data/fixtures of the repository)")->capture_default_str()->check(CLI::ExistingDirectory);
    app.add_option("--dead", dead, "Names the PyPI index lists whose JSON is a 404 (projects without releases)")->capture_default_str()->check(CLI::Range(0, 10'000'000));
    app.add_option("--pypi-json", pypi_json, "Project JSON as recorded, or 'without-releases': as PyPI serves it once the deprecated releases key is gone")
        ->capture_default_str()->check(CLI::IsMember({"recorded", "without-releases"}));
    app.add_option("--dependencies", dependencies, "Projects the recorded ones require but were not recorded: not-found (404), or stand-ins versioned from the requirements")
        ->capture_default_str()->check(CLI::IsMember({"not-found", "stand-ins"}));
    app.add_option("--synthesize", synthesize, "Extra deterministic records per source, built from the real shapes")->capture_default_str()->check(CLI::Range(0, 10'000'000));
    app.add_option("--latency-ms", latency_ms, "Delay before every data response")->capture_default_str()->check(CLI::Range(0, 3'600'000));
    app.add_option("--jitter-ms", jitter_ms, "Uniform extra delay in [0, jitter]")->capture_default_str()->check(CLI::Range(0, 3'600'000));
    app.add_option("--rate", options.rate, "Per-route token bucket (requests/s); over it: 429 + Retry-After. 0 = none")->capture_default_str()->check(CLI::Range(0.0, 1e9));
    app.add_option("--burst", options.burst, "Token bucket size")->capture_default_str()->check(CLI::Range(1.0, 1e9));
    app.add_option("--rate-status", options.rate_status, "The answer over --rate: 429 or 503 (both with Retry-After)")->capture_default_str()->check(CLI::IsMember({429u, 503u}));
    app.add_option("--fault-rate", options.fault_rate, "Fraction of data requests given a fault")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    app.add_option("--faults", faults, "Comma-separated fault kinds: 500,502,503,429,reset,reset-mid,truncate,malformed,stall (default: all)");
    app.add_option("--stall-ms", stall_ms, "How long a stalled request hangs before the server closes it")->capture_default_str()->check(CLI::Range(0, 86'400'000));
    app.add_option("--seed", options.seed, "Seed for jitter and fault choice")->capture_default_str();
    std::int64_t fault_retry_after = 1;
    app.add_option("--fault-retry-after", fault_retry_after, "Retry-After seconds of the injected 429 and 503")->capture_default_str()->check(CLI::Range(0, 86'400));
    app.add_flag("--no-gzip", no_gzip, "Never compress, even when the client accepts gzip");
    app.add_flag("--no-keep-alive", no_keep_alive, "Close the connection after every response");
    app.add_flag("--reuse-port", options.reuse_port, "Let other servers started with it listen on the same --port (SO_REUSEPORT); each keeps its own log");
    app.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS")->check(CLI::ExistingFile);
    app.add_option("--tls-key", tls_key, "PEM private key for --tls-cert")->check(CLI::ExistingFile);
    app.add_option("--log", log_file, "Append one JSON line per request to this file");
    CLI11_PARSE(app, argc, argv);

    options.latency = std::chrono::milliseconds(latency_ms);
    options.jitter = std::chrono::milliseconds(jitter_ms);
    options.stall = std::chrono::milliseconds(stall_ms);
    options.fault_retry_after = std::chrono::seconds(fault_retry_after);
    options.gzip = !no_gzip;
    options.keep_alive = !no_keep_alive;
    if (!tls_cert.empty()) options.tls_cert = tls_cert;
    if (!tls_key.empty()) options.tls_key = tls_key;
    if (!log_file.empty()) options.log_file = log_file;
    if (!faults.empty()) {
        options.faults.clear();
        std::istringstream list(faults);
        for (std::string name; std::getline(list, name, ',');) {
            auto kind = fixture::parse_fault_kind(name);
            if (!kind) {
                std::cerr << "harvest-fixture-server: --faults: unknown fault '" << name
                          << "'; expected some of 500,503,reset,reset-mid,truncate,malformed,stall\n";
                return 2;
            }
            options.faults.push_back(*kind);
        }
    }

    try {
        fixture::fixture_catalog catalog(data_dir, synthesize, dead,
                                         pypi_json == "recorded" ? fixture::pypi_json_shape::recorded : fixture::pypi_json_shape::without_releases,
                                         dependencies == "stand-ins" ? fixture::missing_dependencies::stand_ins : fixture::missing_dependencies::not_found);
        boost::asio::io_context ioc(1);
        fixture::fixture_server server(ioc, catalog, options);
        server.start();
        boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });
        if (print_port) std::cout << server.port() << std::endl;
        std::cerr << "harvest-fixture-server: listening on " << (options.tls_cert ? "https" : "http") << "://"
                  << options.address << ':' << server.port() << " (" << catalog.glycan_accessions().size()
                  << " glycans, " << synthesize << " synthesized per source)" << std::endl;
        ioc.run();
    } catch (const std::exception& e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
    return 0;
}
