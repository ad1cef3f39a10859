#include <harvest/sources/pypi/dependency_closure.hpp>

#include <harvest/export/json_writer.hpp>
#include <harvest/sources/pypi/pep440.hpp>
#include <harvest/sources/pypi/pypi_name.hpp>

#include <algorithm>

namespace harvest::sources {

namespace {

struct target_parts {
    std::string project; // normalised
    std::set<std::string> extras;
    std::optional<std::string> version;
};

// "name", "name[extra,...]" or "name==version", as pypi_source::parse_id writes them: a PEP 508
// requirement whose specifier, if any, pins the version.
target_parts split_id(std::string_view id) {
    target_parts p;
    const auto requirement = parse_requirement(id);
    if (!requirement) return {normalize_project_name(id), {}, std::nullopt};
    p.project = normalize_project_name(requirement->name);
    for (const auto& extra : requirement->extras) p.extras.insert(normalize_project_name(extra));
    if (requirement->specifier.starts_with("==")) p.version = requirement->specifier.substr(2);
    return p;
}

} // namespace

std::string dependency_edge::to_json() const {
    std::string out;
    exporting::json_writer w(out);
    w.begin_object().key("from").value(from).key("from_version").value(from_version).key("to").value(to).key("specifier").value(specifier);
    w.key("marker").value(marker).key("extra").value(extra).key("chosen_version");
    if (chosen_version) w.value(*chosen_version);
    else w.null();
    w.key("problem").value(problem).end_object();
    return out;
}

std::vector<std::string> dependency_closure::on_record(const std::string& id, const pypi_record& record) {
    const auto target = split_id(id);
    const auto project = normalize_project_name(record.name.empty() ? target.project : record.name);
    if (!record.versions.empty()) versions_[project] = record.versions;
    std::vector<std::string> next;
    if (!target.version) {
        latest_[project] = record.version;
        latest_requires_[project] = record.requires_dist;
    }
    // A chosen release, or a seed (--ids, the listing); a project fetched only for its versions
    // is followed only where an edge chooses its newest release. (A seed that an earlier edge
    // asked for first is taken for such a project.)
    if (target.version) {
        auto wanted = wanted_.find({project, *target.version});
        const auto extras = wanted != wanted_.end() ? wanted->second : target.extras;
        if (wanted != wanted_.end()) wanted_.erase(wanted);
        follow(project, *target.version, record.requires_dist, extras, next);
    } else if (!asked_projects_.contains(project)) {
        follow(project, record.version, record.requires_dist, target.extras, next);
    }
    if (auto waiting = waiting_.find(project); waiting != waiting_.end()) {
        auto edges = std::move(waiting->second);
        waiting_.erase(waiting);
        for (auto& [edge, extras] : edges) choose(std::move(edge), extras, next);
    }
    return next;
}

void dependency_closure::on_failure(const std::string& id, const std::string& reason) {
    const auto target = split_id(id);
    if (target.version) return; // a chosen release that could not be fetched: in failures.jsonl
    failed_[target.project] = reason; // for requirements that name it later
    auto waiting = waiting_.find(target.project);
    if (waiting == waiting_.end()) return;
    for (auto& [edge, extras] : waiting->second) {
        edge.problem = reason;
        decide(std::move(edge));
    }
    waiting_.erase(waiting);
}

std::vector<dependency_edge> dependency_closure::take_edges() { return std::exchange(edges_, {}); }

void dependency_closure::follow(const std::string& project, const std::string& version, const std::vector<std::string>& requires_dist,
                                const std::set<std::string>& extras, std::vector<std::string>& next) {
    auto& followed = followed_[{project, version}];
    followed.insert(extras.begin(), extras.end());
    requires_[{project, version}] = requires_dist;
    for (const auto& text : requires_dist) {
        std::string why;
        const auto requirement = parse_requirement(text, &why);
        if (!requirement) {
            decide({project, version, {}, {}, {}, {}, std::nullopt, why});
            continue;
        }
        dependency_edge edge{project, version, normalize_project_name(requirement->name), requirement->specifier, requirement->marker, {}, std::nullopt, {}};
        if (!requirement->url.empty()) {
            edge.problem = "a direct reference (" + requirement->url + "): not followed";
            decide(std::move(edge));
            continue;
        }
        // The marker holds without an extra, or with one of those asked for this release.
        std::optional<std::string> via;
        std::vector<std::string> candidates{""};
        candidates.insert(candidates.end(), followed.begin(), followed.end());
        for (const auto& extra : candidates) {
            const auto holds = evaluate_marker(requirement->marker, environment_, extra, &why);
            if (!holds) {
                edge.problem = why;
                decide(edge);
                break;
            }
            if (*holds) {
                via = extra;
                break;
            }
        }
        if (!via) continue; // not for this environment (or unreadable, said above)
        edge.extra = *via;
        if (!pep440_specifier::parse(edge.specifier, &why)) { // nothing to choose with: the project is not asked for
            edge.problem = "specifier " + why;
            decide(std::move(edge));
            continue;
        }
        std::set<std::string> wanted_extras;
        for (const auto& e : requirement->extras) wanted_extras.insert(normalize_project_name(e));
        if (versions_.contains(edge.to)) {
            choose(std::move(edge), wanted_extras, next);
        } else if (auto failed = failed_.find(edge.to); failed != failed_.end()) {
            edge.problem = failed->second;
            decide(std::move(edge));
        } else {
            const auto to = edge.to;
            waiting_[to].emplace_back(std::move(edge), std::move(wanted_extras));
            if (asked_projects_.insert(to).second) next.push_back(to);
        }
    }
}

void dependency_closure::choose(dependency_edge edge, const std::set<std::string>& extras, std::vector<std::string>& next) {
    const auto specifier = pep440_specifier::parse(edge.specifier); // valid: follow() checked it
    const auto& versions = versions_[edge.to];
    edge.chosen_version = specifier->newest(versions);
    if (!edge.chosen_version) edge.problem = versions.empty() ? "the index lists no release" : "no release satisfies the specifier";
    const auto chosen = edge.chosen_version;
    const auto to = edge.to;
    decide(std::move(edge));
    if (chosen) want(to, *chosen, extras, next);
}

void dependency_closure::want(const std::string& project, const std::string& version, const std::set<std::string>& extras,
                              std::vector<std::string>& next) {
    const release_key key{project, version};
    if (auto f = followed_.find(key); f != followed_.end()) { // its requirements are known: only new extras matter
        if (std::includes(f->second.begin(), f->second.end(), extras.begin(), extras.end())) return;
        follow(project, version, requires_.at(key), extras, next);
        return;
    }
    if (auto latest = latest_.find(project); latest != latest_.end() && latest->second == version) { // the record fetched for its versions
        follow(project, version, latest_requires_.at(project), extras, next);
        return;
    }
    auto [it, first] = wanted_.try_emplace(key);
    it->second.insert(extras.begin(), extras.end());
    if (first) next.push_back(project + "==" + version);
}

void dependency_closure::decide(dependency_edge edge) {
    if (decided_.insert(edge.to_json()).second) edges_.push_back(std::move(edge));
}

} // namespace harvest::sources
