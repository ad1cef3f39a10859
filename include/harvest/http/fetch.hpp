#pragma once
// One logical request through the engine (with its retries and redirects) and its outcome.
#include <functional>
#include <optional>
#include <string_view>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace harvest::http {

struct response {
    unsigned status = 0;
    std::map<std::string, std::string, std::less<>> headers; // lower-case names
    std::string body;  // decoded (Content-Encoding removed)
    std::string url;   // after redirects

    std::string_view header(std::string_view lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string_view{} : std::string_view{it->second};
    }
};

struct request {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // A source's say on a response whose status is normally retried: true means the body
    // proves the failure permanent (GlyGen's 500 + error_list non-existent-record).
    std::function<bool(const response&)> is_permanent;
    // A source's check of a 200's body (it may parse the body into its record on the way): empty
    // when usable, else why not. An unusable body is retried like a 5xx (a CDN or proxy glitch
    // truncates or garbles a body now and then); when the retries are spent the fetch ends with
    // errc::malformed_body and the last reason.
    std::function<std::string(response&)> check_body; // may pad the body for the parser
    // Streaming: when set, a 200 response's decoded body is handed over in pieces as it arrives
    // instead of being collected in response::body; on_restart runs before every attempt, since
    // a retry starts the body over.
    std::function<void(std::string_view)> on_body;
    std::function<void()> on_restart;
    std::optional<std::size_t> body_limit; // overrides client_options::body_limit
};

struct fetch_result {
    std::error_code ec;      // transport failure, retries exhausted, redirect error or cancelled
    std::string error;       // one line naming the URL and the reason; empty on success
    response res;            // the last response received, if any (status 0: none)
    int attempts = 0;

    bool ok() const noexcept { return !ec; }
};

} // namespace harvest::http
