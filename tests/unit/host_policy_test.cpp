// Which pace and how many connections a host gets, by name: the named services' defaults, the
// polite default for any other remote host, loopback unlimited, and the flags that override.
#include <harvest/http/host_policy.hpp>

#include <doctest/doctest.h>

using namespace harvest::http;

TEST_CASE("host policy: loopback is told apart from remote names and addresses") {
    for (const auto* h : {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"}) CHECK_MESSAGE(is_loopback_host(h), h);
    for (const auto* h : {"pypi.org", "10.0.0.5", "127.example.org", "localhost.example.org", "::2", "128.0.0.1"}) CHECK_MESSAGE(!is_loopback_host(h), h);
}

TEST_CASE("host policy: a named service keeps its default, any other remote host gets the polite one, loopback none") {
    client_options o;
    o.workers = 100;
    o.host_rates = {{"pypi.org", {3.0, 5.0}}, {"ts.glytoucan.org", {2.0, 2.0}}};
    o.host_connections = {{"ts.glytoucan.org", 2}};
    const auto pypi = limits_for("pypi.org", o);
    REQUIRE(pypi.rate);
    CHECK(pypi.rate->rate == 3.0);
    CHECK(pypi.connections == 4); // no cap of its own: the remote one
    const auto sparql = limits_for("ts.glytoucan.org", o);
    CHECK(sparql.rate->rate == 2.0);
    CHECK(sparql.connections == 2);
    const auto mirror = limits_for("pypi.mirror.example.org", o); // a mirror, or a redirect's target
    REQUIRE(mirror.rate);
    CHECK(mirror.rate->rate == 4.0);
    CHECK(mirror.rate->burst == 4.0);
    CHECK(mirror.connections == 4);
    const auto local = limits_for("127.0.0.1", o);
    CHECK_FALSE(local.rate);
    CHECK(local.connections == 100);
}

TEST_CASE("host policy: --rate sets every host's pace, loopback's too, --max-per-host every host's connections") {
    client_options o;
    o.workers = 50;
    o.rate = rate_limit{10.0, 1.0};
    CHECK(limits_for("127.0.0.1", o).rate->rate == 10.0);
    CHECK(limits_for("mirror.example.org", o).rate->rate == 10.0);
    o.max_per_host = 8;
    o.remote_connections.reset(); // what --max-per-host does
    CHECK(limits_for("mirror.example.org", o).connections == 8);
    CHECK(limits_for("127.0.0.1", o).connections == 8);
}
