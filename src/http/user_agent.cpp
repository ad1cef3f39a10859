#include <harvest/http/user_agent.hpp>

#include <harvest/version.hpp>

namespace harvest::http {

std::string default_user_agent() {
    std::string ua = std::string("harvest/") + version;
    if (*project_url) ua += std::string(" (+") + project_url + ")";
    return ua;
}

bool has_contact(std::string_view ua) noexcept {
    if (ua.find("http://") != std::string_view::npos || ua.find("https://") != std::string_view::npos) return true;
    // user@host.tld: something before the @, and a dot after it.
    const auto at = ua.find('@');
    return at != std::string_view::npos && at > 0 && ua.find('.', at) != std::string_view::npos && ua[at - 1] != ' ';
}

std::string missing_contact_warning(std::string_view ua) {
    return "the User-Agent '" + std::string(ua) +
           "' names no contact: public APIs (PyPI among them) ask for one; add yours with --user-agent 'my-lab-harvest/1.0 (me@example.org)'";
}

} // namespace harvest::http
