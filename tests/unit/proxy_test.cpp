#include <harvest/http/proxy.hpp>

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>

using namespace harvest::http;

namespace {
auto env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}
} // namespace

TEST_CASE("proxy URLs: host, port (default 1080), credentials as Basic authorization") {
    auto p = parse_proxy_url("http://user:secret@Proxy.Example.org:3128/");
    REQUIRE(p);
    CHECK(p->host == "proxy.example.org");
    CHECK(p->port == 3128);
    CHECK(p->authorization == "Basic dXNlcjpzZWNyZXQ=");
    auto bare = parse_proxy_url("10.0.0.1");
    REQUIRE(bare);
    CHECK(bare->port == 1080);
    CHECK(bare->authorization.empty());
    CHECK_FALSE(parse_proxy_url("socks5://proxy:1080"));
    CHECK_FALSE(parse_proxy_url("http://:80"));
}

TEST_CASE("the environment is read as curl reads it") {
    auto s = proxy_settings::from_environment(env({{"HTTPS_PROXY", "http://upper:1"}, {"https_proxy", "http://lower:2"},
                                                   {"HTTP_PROXY", "http://ignored:3"}}));
    REQUIRE(s.https);
    CHECK(s.https->host == "lower"); // lower case wins
    CHECK_FALSE(s.http);             // upper-case HTTP_PROXY is ignored (httpoxy)
    auto only_upper = proxy_settings::from_environment(env({{"HTTPS_PROXY", "http://upper:1"}}));
    CHECK(only_upper.https->host == "upper");
    CHECK_FALSE(proxy_settings::from_environment(env({})).https);
    CHECK_THROWS_WITH_AS(proxy_settings::from_environment(env({{"https_proxy", "ftp://x"}})),
                         "https_proxy='ftp://x': expected http://[user:password@]host[:port]", std::invalid_argument);
}

TEST_CASE("no_proxy: exact hosts, their subdomains, leading dots, IPs and *") {
    auto s = proxy_settings::from_environment(
        env({{"http_proxy", "http://p:1"}, {"https_proxy", "http://p:1"}, {"NO_PROXY", " example.org, .internal ,127.0.0.1"}}));
    CHECK(s.for_target("https", "example.org") == nullptr);
    CHECK(s.for_target("https", "API.example.org") == nullptr);
    CHECK(s.for_target("https", "badexample.org") != nullptr);
    CHECK(s.for_target("http", "db.internal") == nullptr);
    CHECK(s.for_target("http", "127.0.0.1") == nullptr);
    CHECK(s.for_target("http", "127.0.0.2") != nullptr);
    auto all = proxy_settings::from_environment(env({{"https_proxy", "http://p:1"}, {"no_proxy", "*"}}));
    CHECK(all.for_target("https", "pypi.org") == nullptr);
    auto https_only = proxy_settings::from_environment(env({{"https_proxy", "http://p:1"}}));
    CHECK(https_only.for_target("http", "pypi.org") == nullptr);
    CHECK(https_only.for_target("https", "pypi.org")->host == "p");
}
