#pragma once
// Parsers for PyPI bodies: the JSON API (project and release routes) and the PEP 691 index,
// plus the name part of PEP 508 requirements. On-Demand, error-code style: an empty string on
// success, else a one-line reason naming the field; a failed parse leaves the output untouched.
#include <harvest/sources/pypi/pypi_record.hpp>

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::sources {

// The JSON API body of a project or a release. With `releases` (deprecated, and absent from
// the release route) it also fills versions, release_count and latest_upload (versions_from
// "json_api"); without, they stay empty for parse_simple_project.
std::string parse_pypi_project(simdjson::ondemand::parser& parser, std::string& body, bool with_description, pypi_record& out);

// The PEP 691 project page (/simple/<name>/, JSON) of the project `out` holds: versions (PEP
// 700), release_count and latest_upload from its files' upload times (PEP 700), ordered as the
// JSON API's releases are (by first upload, versions without files last in listed order), and
// project_status (PEP 792); versions_from "index_api". A file belongs to the version its name
// carries after the project's name ("celery-4.4.0.tar.gz", "django_split_settings-1.0-py3-...").
std::string parse_simple_project(simdjson::ondemand::parser& parser, std::string& body, pypi_record& out);

struct index_entry {
    std::string name;
    std::optional<std::uint64_t> last_serial;
};

// PEP 691 root index: {"meta":{...},"projects":[{"name","_last-serial"}...]}; entries that are
// not objects or lack a name are skipped (counted in `skipped`).
std::string parse_simple_index(simdjson::ondemand::parser& parser, std::string& body, std::vector<index_entry>& out,
                               std::size_t& skipped);

// The PEP 691 index split into its project entries as the body arrives, in pieces of any size,
// so that the whole index (tens of MB for pypi.org) never has to be in memory at once.
class simple_index_stream {
public:
    explicit simple_index_stream(std::function<void(index_entry)> on_entry) : on_entry_(std::move(on_entry)) {}

    // Consumes the next piece; an error message (naming what is wrong) or "".
    std::string feed(std::string_view piece);
    // After the last piece: an error if no complete "projects" array was seen.
    std::string finish() const;
    void reset();
    std::size_t entries() const noexcept { return entries_; }
    std::size_t skipped() const noexcept { return skipped_; }

private:
    std::string take_element();

    std::function<void(index_entry)> on_entry_;
    simdjson::ondemand::parser parser_;
    int depth_ = 0;
    bool in_string_ = false, escape_ = false;
    std::string last_string_;   // the latest string at depth 1 (a key, once ':' follows)
    bool key_is_projects_ = false;
    bool in_projects_ = false, projects_done_ = false;
    bool in_element_ = false, element_is_object_ = false;
    std::string element_;
    std::size_t entries_ = 0, skipped_ = 0;
};

// The distribution name of a PEP 508 requirement ("Django>=2 ; python_version>'3'" -> "Django"),
// or nullopt when the string does not start with a valid name.
std::optional<std::string> requirement_name(std::string_view requirement);

} // namespace harvest::sources
