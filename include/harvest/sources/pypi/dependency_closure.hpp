#pragma once
// The dependency closure of some projects for one environment (--follow-deps): each record's
// requirements whose PEP 508 marker holds there (with the extras asked for: "celery[redis]"), and
// for each, the newest release of the required project that satisfies its PEP 440 specifier
// among the versions the index lists, whose own requirements are followed in turn. Every
// decision is an edge. No backtracking: a requirement is satisfied on its own, so two edges may
// choose two releases of one project, and a conflict shows as such in the edges. Pure: records
// in, the ids to fetch next and the edges out.
#include <harvest/sources/pypi/pep508.hpp>
#include <harvest/sources/pypi/pypi_record.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace harvest::sources {

struct dependency_edge {
    std::string from, from_version; // the release whose requirement it is
    std::string to;                 // the required project, normalised
    std::string specifier;          // PEP 440, "" for any version
    std::string marker;             // PEP 508, "" for none
    std::string extra;              // the extra of `from` it belongs to, "" for none
    std::optional<std::string> chosen_version;
    std::string problem;            // why none was chosen: no release satisfies it, not on the index, an unreadable specifier

    std::string to_json() const; // one JSON object, no newline
};

class dependency_closure {
public:
    explicit dependency_closure(marker_environment environment) : environment_(std::move(environment)) {}

    // The record fetched for target `id` ("name", "name[extra,...]" or "name==version"); returns
    // the targets to fetch next: required projects (to learn their versions) and chosen releases.
    std::vector<std::string> on_record(const std::string& id, const pypi_record& record);
    // Target `id` could not be fetched: the requirements waiting for its versions say why.
    void on_failure(const std::string& id, const std::string& reason);
    // The edges decided since the last call, in order.
    std::vector<dependency_edge> take_edges();

private:
    struct release_key {
        std::string project, version;
        auto operator<=>(const release_key&) const = default;
    };
    void follow(const std::string& project, const std::string& version, const std::vector<std::string>& requires_dist,
                const std::set<std::string>& extras, std::vector<std::string>& next);
    void choose(dependency_edge edge, const std::set<std::string>& extras, std::vector<std::string>& next);
    void want(const std::string& project, const std::string& version, const std::set<std::string>& extras, std::vector<std::string>& next);
    void decide(dependency_edge edge);

    marker_environment environment_;
    std::map<std::string, std::vector<std::string>> versions_;        // project -> the versions the index lists
    std::map<std::string, std::string> latest_;                      // project -> the version its project record holds
    std::map<std::string, std::vector<std::string>> latest_requires_; // project -> that record's requirements
    std::set<std::string> asked_projects_;                            // fetched only to learn versions
    std::map<std::string, std::string> failed_;                       // projects that could not be fetched, and why
    std::map<std::string, std::vector<std::pair<dependency_edge, std::set<std::string>>>> waiting_; // project -> edges (and their extras) before its versions are known
    std::map<release_key, std::set<std::string>> followed_;           // releases whose requirements were followed, with which extras
    std::map<release_key, std::vector<std::string>> requires_;        // ... and those requirements
    std::map<release_key, std::set<std::string>> wanted_;             // chosen releases being fetched, with the extras asked
    std::set<std::string> decided_;                                   // edges already written (as JSON)
    std::vector<dependency_edge> edges_;
};

} // namespace harvest::sources
