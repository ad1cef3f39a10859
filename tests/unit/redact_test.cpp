#include <harvest/http/basic_auth.hpp>
#include <harvest/http/redact.hpp>

#include <doctest/doctest.h>

using namespace harvest::http;

TEST_CASE("redact_url: user:password and token-like query values become ***, the rest stays") {
    CHECK(redact_url("https://alice:hunter2@mirror.example.org/simple/?page=2") == "https://***@mirror.example.org/simple/?page=2");
    CHECK(redact_url("https://mirror.example.org/pypi/six/json?api_key=abc&page=2&token=x#frag") ==
          "https://mirror.example.org/pypi/six/json?api_key=***&page=2&token=***#frag");
    CHECK(redact_url("http://127.0.0.1:8080/x?Signature=zz") == "http://127.0.0.1:8080/x?Signature=***");
    CHECK(redact_url("http://127.0.0.1:8080/user@example/x") == "http://127.0.0.1:8080/user@example/x"); // an @ in the path is no userinfo
    CHECK(redact_url("https://glytoucan.org/x?q=1") == "https://glytoucan.org/x?q=1");
    CHECK(redact_url("not a url") == "not a url");
}

TEST_CASE("redact_text: every URL in a message, wherever it sits") {
    CHECK(redact_text("GET http://u:p@h/x failed; redirected to 'https://h2/y?token=t' at last") ==
          "GET http://***@h/x failed; redirected to 'https://h2/y?token=***' at last");
    CHECK(redact_text("{\"url\":\"https://u:p@h/\"}") == "{\"url\":\"https://***@h/\"}");
    CHECK(redact_text("no URL here") == "no URL here");
}

TEST_CASE("credential headers: authorization, cookies and anything named like a key or token") {
    for (const char* name : {"Authorization", "proxy-authorization", "Cookie", "X-Api-Key", "X-Auth-Token", "Client-Secret"})
        CHECK_MESSAGE(is_credential_header(name), name);
    for (const char* name : {"Accept", "X-Trace", "User-Agent", "From"}) CHECK_FALSE_MESSAGE(is_credential_header(name), name);
}

TEST_CASE("redact_command_line: --header values of credentials and URL credentials, in both spellings") {
    CHECK(redact_command_line({"harvest", "collect", "--header", "Authorization: Bearer s3cret", "--header=X-Api-Key: k",
                               "--header", "X-Trace: 7", "--base-url", "https://u:p@mirror/"}) ==
          "harvest collect --header Authorization: *** --header=X-Api-Key: *** --header X-Trace: 7 --base-url https://***@mirror/");
    CHECK(redact_command_line({"--header", "Authorization Bearer s3cret"}) == "--header Authorization ***"); // malformed, still a secret
}

TEST_CASE("basic_authorization: RFC 7617's example") {
    CHECK(basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(basic_authorization("", "") == "Basic Og==");
}
