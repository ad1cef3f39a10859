#pragma once
// Maps one HTTP request to the response the real services give, from the catalog. Pure: no
// sockets, no knobs (latency, faults and rate limits are the server's business).
#include "fixture_catalog.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harvest::fixture {

enum class route_kind { pypi_project, pypi_release, simple_index, simple_project, glycosmos, glygen, control, unknown };

std::string_view to_string(route_kind k) noexcept;

struct fixture_request {
    std::string_view method; // upper case, as sent
    std::string_view target; // origin form: path and query
    std::string_view accept;
    std::string_view if_none_match;
    std::string_view content_type;
    std::string_view body;
};

struct fixture_response {
    unsigned status = 200;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    std::shared_ptr<const std::string> body; // null: no body
};

route_kind classify(std::string_view target);

fixture_response route_request(const fixture_catalog& catalog, const fixture_request& request);

} // namespace harvest::fixture
