#pragma once
// --source pypi: pypi.org or any mirror with the same JSON API. Targets come from --ids
// ("name" or "name==version" lines) or from the PEP 691 index (GET /simple/ as JSON), each
// with its _last-serial; each is fetched from /pypi/<name>/json (or /pypi/<name>/<version>/json).
// With --follow-deps, every requirement's name becomes a target too.
#include <harvest/http/client.hpp>
#include <harvest/logger.hpp>
#include <harvest/sources/pypi/dependency_closure.hpp>
#include <harvest/sources/pypi/pep508.hpp>
#include <harvest/sources/source.hpp>

#include <simdjson.h>

#include <map>
#include <string>

namespace harvest::sources {

struct pypi_options {
    std::string base_url = "https://pypi.org";
    bool with_description = false;
    bool follow_deps = false;
    // --follow-deps for this environment (--python-version, --platform): markers evaluated,
    // a version chosen per requirement, edges written. None (--all-markers): every
    // requirement's project, markers not evaluated, no versions chosen.
    std::optional<marker_environment> environment = environment_for("3.12", "linux");
    std::string python_version = "3.12", platform = "linux"; // what `environment` was made from
    std::size_t index_body_limit = 512u << 20; // the full pypi.org index is tens of MB
};

// Polite default for pypi.org, which asks for no "thousands of requests within minutes".
std::map<std::string, http::rate_limit, std::less<>> pypi_default_rates();

class pypi_source final : public source {
public:
    pypi_source(http::client& client, pypi_options options, const logger& log = logger::silent());

    std::string_view name() const noexcept override { return "pypi"; }
    target parse_id(std::string_view line) const override;
    boost::asio::awaitable<std::optional<error>> list(std::vector<target>& out, bool& done) override;
    boost::asio::awaitable<outcome> fetch(const target& t) override;
    void write_selection(exporting::json_writer& w) const override;
    std::vector<source_table> tables() override;
    bool needs_every_record() const noexcept override { return closure_.has_value(); }

private:
    boost::asio::awaitable<outcome> fetch_record(const target& t);

    http::client& client_;
    pypi_options options_;
    const logger& log_;
    std::optional<dependency_closure> closure_;
};

} // namespace harvest::sources
