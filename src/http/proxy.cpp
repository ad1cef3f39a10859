#include <harvest/http/proxy.hpp>
#include <harvest/ascii.hpp>
#include <harvest/http/basic_auth.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace harvest::http {
namespace {

const char* first_set(const std::function<const char*(const char*)>& getenv, std::initializer_list<const char*> names,
                      const char*& which) {
    for (const char* name : names) {
        const char* v = getenv(name);
        if (v && *v) {
            which = name;
            return v;
        }
    }
    return nullptr;
}

} // namespace

std::optional<proxy_endpoint> parse_proxy_url(std::string_view url) {
    std::string text(url);
    if (text.find("://") == std::string::npos) text = "http://" + text;
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) return std::nullopt;
    proxy_endpoint p;
    p.host = ascii_lower(parsed->host_address());
    p.port = parsed->has_port() ? parsed->port_number() : 1080;
    if (p.port == 0) return std::nullopt;
    if (parsed->has_userinfo()) p.authorization = basic_authorization(parsed->user(), parsed->password());
    return p;
}

proxy_settings proxy_settings::from_environment(const std::function<const char*(const char*)>& getenv) {
    proxy_settings s;
    const char* which = nullptr;
    auto read = [&](std::initializer_list<const char*> names, std::optional<proxy_endpoint>& out) {
        if (const char* v = first_set(getenv, names, which)) {
            out = parse_proxy_url(v);
            if (!out) throw std::invalid_argument(std::string(which) + "='" + v + "': expected http://[user:password@]host[:port]");
        }
    };
    read({"https_proxy", "HTTPS_PROXY"}, s.https);
    read({"http_proxy"}, s.http);
    if (const char* v = first_set(getenv, {"no_proxy", "NO_PROXY"}, which)) {
        std::istringstream list(v);
        for (std::string item; std::getline(list, item, ',');) {
            item.erase(std::remove_if(item.begin(), item.end(), [](unsigned char c) { return std::isspace(c); }), item.end());
            while (!item.empty() && item.front() == '.') item.erase(0, 1);
            if (!item.empty()) s.no_proxy.push_back(ascii_lower(item));
        }
    }
    return s;
}

const proxy_endpoint* proxy_settings::for_target(std::string_view scheme, std::string_view host) const {
    const auto& proxy = scheme == "https" ? https : http;
    if (!proxy) return nullptr;
    const auto h = ascii_lower(host);
    for (const auto& entry : no_proxy) {
        if (entry == "*" || h == entry) return nullptr;
        if (h.size() > entry.size() && h.ends_with(entry) && h[h.size() - entry.size() - 1] == '.') return nullptr;
    }
    return &*proxy;
}

} // namespace harvest::http
