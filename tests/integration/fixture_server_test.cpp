// The fixture server over real sockets on 127.0.0.1: every knob and the control endpoint.
#include "support/self_signed.hpp"
#include "support/test_client.hpp"
#include "support/test_server.hpp"

#include <harvest/http/content_coding.hpp>

#include "support/fixture_files.hpp"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <boost/beast/http/error.hpp>

#include <atomic>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

using namespace harvest;
using namespace harvest::test;
using namespace std::chrono_literals;
using fixture::fault_kind;
using fixture::fixture_options;

namespace {


std::uint64_t stat(std::uint16_t port, std::string_view group, std::string_view key) {
    auto r = get(port, "/_fixture/stats");
    REQUIRE(r.status == 200);
    simdjson::dom::parser parser;
    auto doc = parser.parse(r.body);
    std::uint64_t v = 0;
    auto e = group.empty() ? doc[key] : doc[group][key];
    if (e.error() == simdjson::NO_SUCH_FIELD) return 0;
    REQUIRE(e.get(v) == simdjson::SUCCESS);
    return v;
}

fixture_options with_fault(fault_kind kind) {
    fixture_options o;
    o.fault_rate = 1.0;
    o.faults = {kind};
    return o;
}

} // namespace

TEST_CASE("keep-alive: several requests share one connection") {
    running_server server;
    auto responses = fetch_all(server.port(), {{"GET", "/pypi/six/json"}, {"GET", "/pypi/pytest/json"}, {"GET", "/glycan/detail/G17689DH/"}});
    REQUIRE(responses.size() == 3);
    for (const auto& r : responses) CHECK(r.status == 200);
    CHECK(responses[0].body == fixture_text("pypi/six.json"));
    CHECK(stat(server.port(), "", "connections") == 2); // the three above, then the stats request
    CHECK(stat(server.port(), "", "requests") == 3);
}

TEST_CASE("--no-keep-alive closes after every response") {
    fixture_options o;
    o.keep_alive = false;
    running_server server(o);
    auto responses = fetch_all(server.port(), {{"GET", "/pypi/six/json"}, {"GET", "/pypi/six/json"}});
    REQUIRE(responses.size() >= 1);
    CHECK(responses[0].status == 200);
    CHECK(responses[0].header("connection") == "close");
    if (responses.size() == 2) CHECK(responses[1].ec); // the second request finds the connection closed
}

TEST_CASE("latency and jitter delay every data response") {
    fixture_options o;
    o.latency = 150ms;
    o.jitter = 50ms;
    running_server server(o);
    for (int i = 0; i < 3; ++i) {
        auto r = get(server.port(), "/pypi/six/json");
        CHECK(r.status == 200);
        CHECK(r.elapsed >= 150ms);
    }
    // The control endpoint is never delayed: it answers while a data request is pending.
    auto stats = get(server.port(), "/_fixture/stats");
    CHECK(stats.elapsed < 150ms);
}

TEST_CASE("per-route rate limit answers 429 with Retry-After, and other routes are unaffected") {
    fixture_options o;
    o.rate = 1.0;
    o.burst = 2.0;
    running_server server(o);
    std::vector<test_request> burst(4, test_request{"GET", "/pypi/six/json"});
    auto responses = fetch_all(server.port(), burst);
    REQUIRE(responses.size() == 4);
    CHECK(responses[0].status == 200);
    CHECK(responses[1].status == 200);
    CHECK(responses[2].status == 429);
    CHECK(responses[3].status == 429);
    CHECK(responses[2].header("retry-after") == "1");
    CHECK(get(server.port(), "/glycan/detail/G17689DH/").status == 200); // its own bucket
    CHECK(stat(server.port(), "by_status", "429") == 2);
}

TEST_CASE("fault 500 and 503 answer with JSON bodies, 503 carries Retry-After") {
    running_server s500(with_fault(fault_kind::http_500));
    auto r = get(s500.port(), "/pypi/six/json");
    CHECK(r.status == 500);
    CHECK(r.body.find("injected") != std::string::npos);
    running_server s503(with_fault(fault_kind::http_503));
    auto u = get(s503.port(), "/pypi/six/json");
    CHECK(u.status == 503);
    CHECK(u.header("retry-after") == "1");
    CHECK(stat(s503.port(), "by_fault", "503") == 1);
}

TEST_CASE("fault reset: the connection is reset before any response byte") {
    running_server server(with_fault(fault_kind::reset_before));
    auto r = get(server.port(), "/pypi/six/json");
    CHECK(r.ec);
    CHECK(r.status == 0);
}

TEST_CASE("fault reset-mid: headers and part of the body, then a reset") {
    running_server server(with_fault(fault_kind::reset_mid));
    auto r = get(server.port(), "/pypi/celery/json");
    CHECK(r.ec);
    CHECK(r.status == 200); // the header arrived
    CHECK(r.body.size() < fixture_text("pypi/celery.json").size());
}

TEST_CASE("fault truncate: an orderly close before Content-Length bytes arrive") {
    running_server server(with_fault(fault_kind::truncate));
    auto r = get(server.port(), "/pypi/celery/json");
    CHECK(r.ec == boost::beast::http::error::partial_message);
    CHECK(r.status == 200);
}

TEST_CASE("fault malformed: a well-framed 200 whose JSON is broken") {
    running_server server(with_fault(fault_kind::malformed));
    auto r = get(server.port(), "/pypi/celery/json", {{"Accept-Encoding", "gzip"}});
    CHECK_FALSE(r.ec);
    CHECK(r.status == 200);
    CHECK(r.header("content-encoding").empty());
    simdjson::dom::parser parser;
    CHECK(parser.parse(r.body).error() != simdjson::SUCCESS);
}

TEST_CASE("fault stall: no answer within the client's timeout") {
    auto o = with_fault(fault_kind::stall);
    o.stall = 5s;
    running_server server(o);
    client_options c;
    c.timeout = 300ms;
    auto r = fetch(server.port(), {"GET", "/pypi/six/json"}, c);
    CHECK(r.ec == boost::beast::error::timeout);
    CHECK(r.status == 0);
}

TEST_CASE("fault rate: roughly the configured fraction, deterministic for a seed") {
    auto run = [](std::uint64_t seed) {
        fixture_options o;
        o.fault_rate = 0.3;
        o.faults = {fault_kind::http_500};
        o.seed = seed;
        running_server server(o);
        std::vector<test_request> many(200, test_request{"GET", "/pypi/six/json"});
        std::string pattern;
        for (const auto& r : fetch_all(server.port(), many)) pattern += r.status == 500 ? 'x' : '.';
        return pattern;
    };
    const auto a = run(7), b = run(7);
    CHECK(a == b);
    const auto faults = std::count(a.begin(), a.end(), 'x');
    CHECK(faults > 30);
    CHECK(faults < 90);
}

TEST_CASE("gzip when the client accepts it, identity otherwise") {
    running_server server;
    auto plain = get(server.port(), "/pypi/celery/json");
    auto zipped = get(server.port(), "/pypi/celery/json", {{"Accept-Encoding", "gzip, deflate"}});
    CHECK(plain.header("content-encoding").empty());
    REQUIRE(zipped.header("content-encoding") == "gzip");
    CHECK(zipped.body.size() < plain.body.size() / 3);
    std::string decoded;
    CHECK_FALSE(http::decode_body(http::content_coding::gzip, zipped.body, 64 << 20, decoded));
    CHECK(decoded == plain.body);

    fixture_options o;
    o.gzip = false;
    running_server no_gzip(o);
    CHECK(get(no_gzip.port(), "/pypi/celery/json", {{"Accept-Encoding", "gzip"}}).header("content-encoding").empty());
}

TEST_CASE("TLS: served with a generated self-signed certificate, verified only when trusted") {
    self_signed_cert cert("localhost");
    fixture_options o;
    o.tls_cert = cert.cert();
    o.tls_key = cert.key();
    running_server server(o);

    client_options trusted;
    trusted.tls_ca_file = cert.cert();
    auto ok = fetch(server.port(), {"GET", "/pypi/six/json"}, trusted);
    CHECK_FALSE(ok.ec);
    CHECK(ok.status == 200);

    // Trusting another CA, the same server is rejected during the handshake.
    self_signed_cert other("localhost");
    client_options untrusted;
    untrusted.tls_ca_file = other.cert();
    auto rejected = fetch(server.port(), {"GET", "/pypi/six/json"}, untrusted);
    CHECK(rejected.ec);
    CHECK(rejected.status == 0);

    // The right CA but the wrong host name is rejected too.
    client_options wrong_host = trusted;
    wrong_host.tls_host = "example.org";
    CHECK(fetch(server.port(), {"GET", "/pypi/six/json"}, wrong_host).ec);
}

TEST_CASE("control endpoint: the log shows exactly which requests arrived and reset clears it") {
    running_server server;
    get(server.port(), "/pypi/CAGE/json");
    get(server.port(), "/glycan/detail/G99999ZZ/");
    auto log = get(server.port(), "/_fixture/log?since=0");
    REQUIRE(log.status == 200);
    std::istringstream lines(log.body);
    std::vector<std::string> entries;
    for (std::string line; std::getline(lines, line);) entries.push_back(line);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].starts_with(R"({"seq":1,"method":"GET","target":"/pypi/CAGE/json","route":"pypi_project","status":301,"ms":)"));
    CHECK(entries[1].starts_with(R"({"seq":2,"method":"GET","target":"/glycan/detail/G99999ZZ/","route":"glygen","status":500,"ms":)"));
    CHECK(get(server.port(), "/_fixture/log?since=1").body == entries[1] + "\n");
    CHECK(fetch(server.port(), {"POST", "/_fixture/reset"}).status == 204);
    CHECK(stat(server.port(), "", "requests") == 0);
    CHECK(get(server.port(), "/_fixture/nope").status == 404);
}

TEST_CASE("--log appends one JSON line per request to a file") {
    const auto dir = make_temp_dir("harvest-log");
    fixture_options o;
    o.log_file = dir / "requests.jsonl";
    {
        running_server server(o);
        get(server.port(), "/pypi/six/json");
        get(server.port(), "/sparqlist/gtcid2seqs?gtcid=G22768VO");
    }
    std::ifstream in(dir / "requests.jsonl");
    std::vector<std::string> entries;
    for (std::string line; std::getline(in, line);) entries.push_back(line);
    std::filesystem::remove_all(dir);
    REQUIRE(entries.size() == 2);
    CHECK(entries[1].find(R"("route":"glycosmos","status":200)") != std::string::npos);
}

TEST_CASE("four clients at once, 25 keep-alive requests each, are all served") {
    running_server server;
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t)
        clients.emplace_back([&] {
            std::vector<test_request> reqs(25, test_request{"GET", "/pypi/pytest/json"});
            for (const auto& r : fetch_all(server.port(), reqs))
                if (r.status == 200) ++ok;
        });
    for (auto& c : clients) c.join();
    CHECK(ok == 100);
}

TEST_CASE("--reuse-port: a second server shares the port, and serves it alone once the first stops") {
    fixture_options shared;
    shared.reuse_port = true;
    std::optional<running_server> first(std::in_place, shared);
    shared.port = first->port();
    fixture_options exclusive;
    exclusive.port = first->port();
    CHECK_THROWS_WITH(running_server{exclusive}, doctest::Contains("cannot listen"));
    running_server second(shared);
    CHECK(second.port() == first->port());
    first.reset();
    for (int i = 0; i < 4; ++i) CHECK(get(second.port(), "/pypi/six/json").status == 200);
}
