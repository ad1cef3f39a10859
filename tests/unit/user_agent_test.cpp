#include <harvest/http/user_agent.hpp>

#include <harvest/version.hpp>

#include <doctest/doctest.h>

using namespace harvest::http;

TEST_CASE("user agent: the default names harvest and its version, and the project URL when the build has one") {
    const auto ua = default_user_agent();
    CHECK(ua.starts_with(std::string("harvest/") + harvest::version));
    CHECK(has_contact(ua) == (*harvest::project_url != '\0'));
}

TEST_CASE("user agent: an e-mail address or an http(s) URL is a contact, a bare name or an @ alone is not") {
    CHECK(has_contact("my-lab-harvest/1.0 (me@example.org)"));
    CHECK(has_contact("my-lab-harvest/1.0 (+https://lab.example.org/harvest)"));
    CHECK(has_contact("bot (http://example.org)"));
    CHECK_FALSE(has_contact("my-lab-harvest/1.0"));
    CHECK_FALSE(has_contact("harvest/0.1.0"));
    CHECK_FALSE(has_contact("a @ b"));
    CHECK_FALSE(has_contact("@example.org"));
    CHECK_FALSE(has_contact("me@localhost"));
    CHECK_FALSE(has_contact(""));
}

TEST_CASE("user agent: the warning names the value and how to add a contact") {
    const auto line = missing_contact_warning("harvest/0.1.0");
    CHECK(line.find("'harvest/0.1.0'") != std::string::npos);
    CHECK(line.find("--user-agent") != std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
}
