#pragma once
// One share of a harvest split over N processes (--shard K/N, a Kubernetes Indexed Job, a Slurm
// job array), with no coordinator: a target belongs to shard K when a stable hash of its id
// modulo N is K, the same on every machine and in every run. Pure.
#include <harvest/http/client_options.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace harvest::pipeline {

struct shard_assignment {
    std::size_t k = 0, n = 1;
    std::string origin; // what said so: "--shard", "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"

    bool owns(std::string_view id) const noexcept;
    std::string suffix() const; // "-shard-2-of-4": the shard's dataset directory is NAME-shard-2-of-4
};

// The fleet is as polite as one process: each of `n` shards takes 1/n of every per-host rate
// (burst too, at least 1) and connection cap (at least 1). Returns what each host gets, for the
// start-up line: "pypi.org at 0.75 requests/s".
std::string share_politeness(std::size_t n, std::map<std::string, http::rate_limit, std::less<>>& rates,
                             std::map<std::string, std::size_t, std::less<>>& connections);

// FNV-1a 64 (its published offset basis and prime) of `id`, modulo n.
std::size_t shard_of(std::string_view id, std::size_t n) noexcept;

// "2/4" (0 <= K < N). Throws harvest::failure (setting "shard") saying what is wrong.
shard_assignment parse_shard(std::string_view text);

// Without --shard: Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX (N is `shards`, the
// completions, which the Job does not export); Slurm job arrays set SLURM_ARRAY_TASK_ID,
// SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT. nullopt outside both. Throws harvest::failure
// for values that make no shard (an index without `shards`, a task id out of the array).
std::optional<shard_assignment> shard_from_environment(const std::function<const char*(const char*)>& getenv, std::optional<std::size_t> shards);

} // namespace harvest::pipeline
