#include <harvest/http/url.hpp>

#include <harvest/ascii.hpp>

#include <boost/url/parse.hpp>

namespace harvest::http {

bool is_http_url(std::string_view text) {
    const auto parsed = boost::urls::parse_uri(text);
    if (!parsed || !parsed->has_authority() || parsed->host().empty()) return false;
    const auto scheme = ascii_lower(parsed->scheme());
    return scheme == "http" || scheme == "https";
}

} // namespace harvest::http
