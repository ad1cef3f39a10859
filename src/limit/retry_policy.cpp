#include <harvest/limit/retry_policy.hpp>

#include <harvest/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cerrno>

namespace harvest::limit {

bool is_retryable_status(unsigned status) noexcept {
    switch (status) {
    case 408: case 429: case 500: case 502: case 503: case 504: return true;
    default: return false;
    }
}

bool is_retryable_error(const std::error_code& ec) noexcept {
    namespace aerr = boost::asio::error;
    if (!ec) return false;
    if (ec.category() == harvest_category())
        return ec == errc::bad_content_coding; // a body cut short mid-stream decodes badly
    // Socket errors arrive as errno values in the system category.
    if (ec.category() == std::system_category() || ec.category() == std::generic_category()) {
        switch (ec.value()) {
        case ECONNRESET: case ECONNREFUSED: case ECONNABORTED: case EPIPE: case ENETUNREACH:
        case EHOSTUNREACH: case ETIMEDOUT: case EAGAIN:
            return true;
        default:
            return false;
        }
    }
    const boost::system::error_code bec(ec);
    return bec == boost::beast::error::timeout || bec == boost::beast::http::error::end_of_stream ||
           bec == boost::beast::http::error::partial_message || bec == aerr::eof ||
           bec == aerr::host_not_found_try_again || bec == boost::asio::ssl::error::stream_truncated;
}

std::optional<std::chrono::milliseconds> retry_state::next_wait(std::optional<std::chrono::seconds> retry_after, double unit) {
    if (retries_ >= policy_.max_retries) return std::nullopt;
    auto wait = policy_.backoff.delay(retries_, unit);
    if (retry_after) {
        const auto asked = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::min<std::chrono::seconds>(*retry_after, std::chrono::hours(24 * 365)));
        if (asked > remaining_budget()) return std::nullopt;
        wait = std::max(wait, asked);
    }
    wait = std::min(wait, remaining_budget());
    if (wait < std::chrono::milliseconds::zero()) return std::nullopt;
    ++retries_;
    spent_ += wait;
    return wait;
}

} // namespace harvest::limit
