#include <harvest/pipeline/shard_assignment.hpp>

#include <harvest/error.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdint>

namespace harvest::pipeline {

namespace {

std::optional<std::size_t> whole_number(std::string_view s) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return n;
}

failure bad(const std::string& setting, const std::string& why) { return failure(errc::invalid_input, setting, why); }

} // namespace

std::string share_politeness(std::size_t n, std::map<std::string, http::rate_limit, std::less<>>& rates,
                             std::map<std::string, std::size_t, std::less<>>& connections) {
    std::string pace;
    for (auto& [host, limit] : rates) {
        limit.rate /= static_cast<double>(n);
        limit.burst = std::max(1.0, limit.burst / static_cast<double>(n));
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s%s at %.3g requests/s", pace.empty() ? "" : ", ", host.c_str(), limit.rate);
        pace += buf;
    }
    for (auto& [host, cap] : connections) cap = std::max<std::size_t>(1, cap / n);
    return pace;
}

std::size_t shard_of(std::string_view id, std::size_t n) noexcept {
    std::uint64_t h = 14695981039346656037ull;
    for (const unsigned char c : id) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return static_cast<std::size_t>(h % n);
}

bool shard_assignment::owns(std::string_view id) const noexcept { return n <= 1 || shard_of(id, n) == k; }

std::string shard_assignment::suffix() const { return "-shard-" + std::to_string(k) + "-of-" + std::to_string(n); }

shard_assignment parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    const auto k = whole_number(text.substr(0, slash));
    const auto n = slash == std::string_view::npos ? std::nullopt : whole_number(text.substr(slash + 1));
    if (!k || !n) throw bad("shard", std::string(text) + ": expected K/N, e.g. 0/4 (shard K of N, counted from 0)");
    if (*n < 1 || *k >= *n) throw bad("shard", std::string(text) + ": K must be below N (shards 0 to N-1)");
    return {*k, *n, "--shard"};
}

std::optional<shard_assignment> shard_from_environment(const std::function<const char*(const char*)>& getenv, std::optional<std::size_t> shards) {
    auto var = [&](const char* name) -> std::optional<std::string_view> {
        const char* v = getenv(name);
        return v && *v ? std::optional(std::string_view(v)) : std::nullopt;
    };
    if (const auto index = var("JOB_COMPLETION_INDEX")) {
        const auto k = whole_number(*index);
        if (!k) throw bad("shard", "JOB_COMPLETION_INDEX=" + std::string(*index) + ": expected a whole number");
        if (!shards) throw bad("shards", "JOB_COMPLETION_INDEX is set but not the number of shards: give --shards N (the Job's completions)");
        if (*k >= *shards) throw bad("shards", "JOB_COMPLETION_INDEX=" + std::string(*index) + " is not below --shards " + std::to_string(*shards));
        return shard_assignment{*k, *shards, "JOB_COMPLETION_INDEX"};
    }
    if (const auto task = var("SLURM_ARRAY_TASK_ID")) {
        const auto id = whole_number(*task);
        const auto min = whole_number(var("SLURM_ARRAY_TASK_MIN").value_or("0"));
        const auto count = var("SLURM_ARRAY_TASK_COUNT") ? whole_number(*var("SLURM_ARRAY_TASK_COUNT")) : shards;
        if (!id || !min || !count || *count == 0 || *id < *min || *id - *min >= *count)
            throw bad("shard", "SLURM_ARRAY_TASK_ID=" + std::string(*task) +
                                   ": expected a task of a contiguous array (--array=0-N-1), with SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT");
        return shard_assignment{*id - *min, *count, "SLURM_ARRAY_TASK_ID"};
    }
    if (shards && *shards > 1) throw bad("shards", std::to_string(*shards) + " shards, but which one is this? Give --shard K/N, or run as an Indexed Job or a job array");
    return std::nullopt;
}

} // namespace harvest::pipeline
