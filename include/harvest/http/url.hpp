#pragma once
// What harvest accepts as a service URL: absolute, http or https, with a host. Pure.
#include <string_view>

namespace harvest::http {

bool is_http_url(std::string_view text);

} // namespace harvest::http
