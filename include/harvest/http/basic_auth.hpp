#pragma once
// HTTP Basic credentials (RFC 7617) from the user:password of a URL: a proxy URL's, or a
// server URL's (a PyPI mirror behind a login).
#include <string>
#include <string_view>

namespace harvest::http {

// "Basic " + base64(user ":" password).
std::string basic_authorization(std::string_view user, std::string_view password);

} // namespace harvest::http
