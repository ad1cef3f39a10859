#include <harvest/sources/pypi/dependency_closure.hpp>
#include <harvest/sources/pypi/pep440.hpp>

#include <doctest/doctest.h>

using namespace harvest::sources;

namespace {

pypi_record project(std::string name, std::string version, std::vector<std::string> versions, std::vector<std::string> requires_dist) {
    pypi_record r;
    r.name = std::move(name);
    r.version = std::move(version);
    r.versions = std::move(versions);
    r.requires_dist = std::move(requires_dist);
    return r;
}

const pypi_record celery = project("celery", "4.4.0", {"4.3.0", "4.4.0"},
                                   {"kombu (<4.7,>=4.6.7)", "vine (==1.3.0)", "pyArango (>=1.3.2) ; extra == 'arangodb'",
                                    "backports.lzma ; (python_version < \"3.3\") and extra == 'lzma'", "redis (>=3.2.0) ; extra == 'redis'",
                                    "pytz (>dev)", "futures; python_version < '3'", "tblib (>=1.5.0) ; (python_version >= \"3.8.0\") and extra == 'tblib'"});

dependency_closure linux312() { return dependency_closure(*environment_for("3.12", "linux")); }

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace

TEST_CASE("dependency closure: markers for one environment, the newest release each specifier allows, that release's own requirements") {
    auto closure = linux312();
    // celery's requirements for Python 3.12 on Linux without extras: kombu and vine; pytz's
    // specifier is no PEP 440 one (an edge with the problem, nothing fetched).
    CHECK(sorted(closure.on_record("celery", celery)) == std::vector<std::string>{"kombu", "vine"});
    // kombu's newest release is 5.0.0, but celery allows <4.7: 4.6.11 is fetched and followed.
    CHECK(closure.on_record("kombu", project("kombu", "5.0.0", {"4.6.6", "4.6.7", "4.6.11", "5.0.0"}, {"amqp (<6)"})) ==
          std::vector<std::string>{"kombu==4.6.11"});
    CHECK(closure.on_record("kombu==4.6.11", project("kombu", "4.6.11", {"4.6.6", "4.6.7", "4.6.11", "5.0.0"}, {"amqp (<2.7,>=2.6.0)"})) ==
          std::vector<std::string>{"amqp"});
    // vine==1.3.0 is not the newest: asked; amqp is not on the index.
    CHECK(closure.on_record("vine", project("vine", "5.0.0", {"1.3.0", "5.0.0"}, {})) == std::vector<std::string>{"vine==1.3.0"});
    CHECK(closure.on_record("vine==1.3.0", project("vine", "1.3.0", {"1.3.0", "5.0.0"}, {})).empty());
    closure.on_failure("amqp", "not found (HTTP 404)");

    const auto edges = closure.take_edges();
    std::map<std::string, dependency_edge> by_to;
    for (const auto& e : edges) by_to[e.to] = e;
    CHECK(by_to.size() == 4); // kombu, vine, pytz, amqp: no backend extra, no Python 2 backport
    CHECK(by_to.at("kombu").chosen_version == "4.6.11");
    CHECK(by_to.at("vine").chosen_version == "1.3.0");
    CHECK(by_to.at("pytz").problem == "specifier 'dev' is no PEP 440 version");
    CHECK_FALSE(by_to.at("pytz").chosen_version);
    CHECK(by_to.at("amqp").from_version == "4.6.11");
    CHECK(by_to.at("amqp").problem == "not found (HTTP 404)");
    for (const auto& e : edges)
        if (e.chosen_version) CHECK(pep440_specifier::parse(e.specifier)->contains(*pep440_version::parse(*e.chosen_version), true));
    CHECK(closure.take_edges().empty()); // taken
}

TEST_CASE("dependency closure: extras only when asked (name[extra]), markers that need them, and a chosen newest release is not fetched twice") {
    auto closure = linux312();
    const auto next = sorted(closure.on_record("celery[redis,tblib]", celery));
    CHECK(next == std::vector<std::string>{"kombu", "redis", "tblib", "vine"});
    CHECK(closure.on_record("redis", project("redis", "3.5.3", {"3.2.0", "3.5.3"}, {"hiredis ; extra == 'hiredis'"})).empty()); // newest: already in hand
    std::map<std::string, dependency_edge> by_to;
    for (auto& e : closure.take_edges()) by_to[e.to] = e;
    CHECK(by_to.at("redis").extra == "redis");
    CHECK(by_to.at("redis").chosen_version == "3.5.3");
    CHECK_FALSE(by_to.contains("hiredis")); // redis's own extra was not asked for
    CHECK_FALSE(by_to.contains("pyarango"));
}

TEST_CASE("dependency closure: a project that failed before a requirement named it gives that requirement's edge its problem at once") {
    auto closure = linux312();
    closure.on_failure("kombu", "not found (HTTP 404)"); // fetched first (a resumed run's pending target)
    const auto next = sorted(closure.on_record("celery", celery));
    CHECK(next == std::vector<std::string>{"vine"}); // kombu is not asked for again
    std::map<std::string, dependency_edge> by_to;
    for (auto& e : closure.take_edges()) by_to[e.to] = e;
    CHECK(by_to.at("kombu").problem == "not found (HTTP 404)");
    CHECK_FALSE(by_to.at("kombu").chosen_version);
}
