#include <harvest/error.hpp>
#include <harvest/pipeline/shard_assignment.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <string>

using namespace harvest::pipeline;

TEST_CASE("shard assignment: FNV-1a 64 of the id modulo N, every id in exactly one shard, shares close to 1/N") {
    CHECK(shard_of("a", 1'000'000'007) == 0xaf63dc4c8601ec8cull % 1'000'000'007); // the published FNV-1a 64 of "a"
    std::map<std::size_t, std::size_t> per_shard;
    for (int i = 0; i < 10'000; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "G%06dAB", 100000 + i); // g++ 12 warns falsely (-Wstringop-overflow) on "G" + string + "AB"
        std::size_t owners = 0;
        for (std::size_t k = 0; k < 4; ++k) owners += shard_assignment{k, 4, "test"}.owns(id);
        CHECK(owners == 1);
        ++per_shard[shard_of(id, 4)];
    }
    for (const auto& [k, n] : per_shard) CHECK_MESSAGE((n > 2300 && n < 2700), k << ": " << n);
    CHECK(shard_assignment{}.owns("anything")); // no --shard: one shard owns all
    CHECK(shard_assignment{2, 4, "test"}.suffix() == "-shard-2-of-4");
}

TEST_CASE("shard assignment: --shard K/N, Kubernetes and Slurm environments, and what makes no shard") {
    CHECK(parse_shard("2/4").k == 2);
    for (const char* bad : {"4/4", "x/4", "2", "2/0", "-1/4"}) CHECK_THROWS_AS(parse_shard(bad), harvest::failure);
    auto env = [](std::map<std::string, std::string> vars) {
        return [vars](const char* name) -> const char* {
            auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    };
    const auto k8s = shard_from_environment(env({{"JOB_COMPLETION_INDEX", "3"}}), 4);
    REQUIRE(k8s);
    CHECK(k8s->k == 3);
    CHECK(k8s->n == 4);
    CHECK(k8s->origin == "JOB_COMPLETION_INDEX");
    CHECK_THROWS_AS(shard_from_environment(env({{"JOB_COMPLETION_INDEX", "3"}}), std::nullopt), harvest::failure); // N unknown
    CHECK_THROWS_AS(shard_from_environment(env({{"JOB_COMPLETION_INDEX", "4"}}), 4), harvest::failure);
    const auto slurm = shard_from_environment(env({{"SLURM_ARRAY_TASK_ID", "7"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}), std::nullopt);
    REQUIRE(slurm);
    CHECK(slurm->k == 2);
    CHECK(slurm->n == 4);
    CHECK_THROWS_AS(shard_from_environment(env({{"SLURM_ARRAY_TASK_ID", "9"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}), std::nullopt),
                    harvest::failure);
    CHECK_FALSE(shard_from_environment(env({}), std::nullopt));
    CHECK_THROWS_AS(shard_from_environment(env({}), 4), harvest::failure); // --shards 4, but which one?
}

TEST_CASE("shard assignment: each of N shards takes 1/N of every per-host rate and connection cap, never below one") {
    std::map<std::string, harvest::http::rate_limit, std::less<>> rates{{"pypi.org", {3.0, 5.0}}, {"api.glygen.org", {5.0, 5.0}}};
    std::map<std::string, std::size_t, std::less<>> caps{{"api.glygen.org", 8}, {"ts.glytoucan.org", 2}};
    const auto pace = share_politeness(4, rates, caps);
    CHECK(rates.at("pypi.org").rate == doctest::Approx(0.75));
    CHECK(rates.at("pypi.org").burst == doctest::Approx(1.25));
    CHECK(rates.at("api.glygen.org").burst == doctest::Approx(1.25));
    CHECK(caps.at("api.glygen.org") == 2);
    CHECK(caps.at("ts.glytoucan.org") == 1); // 2 / 4, but a shard needs a connection
    CHECK(pace == "api.glygen.org at 1.25 requests/s, pypi.org at 0.75 requests/s");
    std::map<std::string, harvest::http::rate_limit, std::less<>> one{{"pypi.org", {3.0, 2.0}}};
    share_politeness(8, one, caps);
    CHECK(one.at("pypi.org").burst == 1.0); // a burst below one token would never let a request through
}
