#include <harvest/tune/recommendation.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace harvest::tune {
namespace {

constexpr double near_best = 0.95; // "as good as the best": within the noise of a short trial

std::string fixed(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// The best records/s at each worker count, over batch sizes.
std::map<std::size_t, const trial_result*> best_per_workers(const std::vector<trial_result>& trials) {
    std::map<std::size_t, const trial_result*> best;
    for (const auto& t : trials) {
        auto& b = best[t.workers];
        if (!b || t.records_per_second > b->records_per_second) b = &t;
    }
    return best;
}

std::string workers_reason(const std::map<std::size_t, const trial_result*>& by_workers, std::size_t chosen, double best,
                           const tune_references& refs) {
    const auto& at = *by_workers.at(chosen);
    const auto& largest = *by_workers.rbegin()->second;
    const double limiter_share = largest.limiter_wait_s / std::max(1e-9, largest.limiter_wait_s + largest.network_s);
    std::uint64_t pushed_back = 0;
    for (const auto& [w, t] : by_workers)
        if (w > chosen) pushed_back += t->status_429;
    const std::string head = "workers " + std::to_string(chosen) + ": ";
    if (refs.limiter_records_per_s && best >= 0.85 * *refs.limiter_records_per_s)
        return head + "rate-limited at " + fixed(*refs.limiter_records_per_s) + " records/s (the limiter's " +
               fixed(*refs.limiter_records_per_s * refs.requests_per_record) + " req/s) from " + std::to_string(chosen) +
               " workers; above, requests wait for tokens (" + fixed(100 * limiter_share, 0) + " % of request time at " +
               std::to_string(largest.workers) + ")";
    if (pushed_back > 0)
        return head + "the server pushes back above " + std::to_string(chosen) + " workers (" + std::to_string(pushed_back) + " × 429)";
    if (chosen == largest.workers && by_workers.size() > 1) {
        const auto& previous = *std::prev(by_workers.end(), 2)->second;
        if (at.records_per_second > 1.1 * previous.records_per_second)
            return head + "latency-bound: records/s still grow with workers (" + fixed(previous.records_per_second) + " at " +
                   std::to_string(previous.workers) + ", " + fixed(at.records_per_second) + " at " + std::to_string(at.workers) +
                   "); try more workers";
    }
    const double cores = at.seconds > 0 ? at.cpu_seconds / at.seconds : 0;
    if (cores >= 0.85)
        return head + "CPU-bound: " + fixed(cores, 2) + " cores busy at " + fixed(at.records_per_second) + " records/s";
    return head + "records/s flat above " + std::to_string(chosen) + " workers (" + fixed(at.records_per_second) + ", within " +
           fixed(100 * (1 - near_best), 0) + " % of the best " + fixed(best) + ")";
}

} // namespace

std::optional<double> tune_references::ideal_records_per_s(std::size_t workers) const {
    if (!unloaded_latency_ms || *unloaded_latency_ms <= 0 || requests_per_record <= 0) return std::nullopt;
    return static_cast<double>(workers) * 1000.0 / (*unloaded_latency_ms * requests_per_record);
}

tune_references measure_references(const std::vector<trial_result>& trials, std::optional<double> rate_requests_per_s) {
    tune_references refs;
    std::uint64_t records = 0, requests = 0;
    const trial_result* fewest = nullptr;
    for (const auto& t : trials) {
        records += t.records;
        requests += t.requests;
        if (t.records > 0 && (!fewest || t.workers < fewest->workers)) fewest = &t;
    }
    if (records > 0) refs.requests_per_record = static_cast<double>(requests) / static_cast<double>(records);
    if (rate_requests_per_s && refs.requests_per_record > 0) refs.limiter_records_per_s = *rate_requests_per_s / refs.requests_per_record;
    if (fewest && fewest->p50_ms > 0) refs.unloaded_latency_ms = fewest->p50_ms;
    return refs;
}

recommendation recommend(const std::vector<trial_result>& trials, const tune_references& refs) {
    const auto by_workers = best_per_workers(trials);
    double best = 0;
    for (const auto& [w, t] : by_workers) best = std::max(best, t->records_per_second);
    if (best <= 0) throw std::invalid_argument("no trial wrote a record: nothing to recommend");
    // Workers: the fewest that come within the noise of the best.
    std::size_t workers = by_workers.rbegin()->first;
    for (const auto& [w, t] : by_workers)
        if (t->records_per_second >= near_best * best) {
            workers = w;
            break;
        }
    // Batch size, at those workers: the smallest whose converting-and-writing cost per record is
    // near the cheapest and whose records/s is near the best (smaller batches lose less on a crash).
    std::vector<const trial_result*> at;
    for (const auto& t : trials)
        if (t.workers == workers && t.records > 0) at.push_back(&t);
    std::ranges::sort(at, {}, &trial_result::batch_size);
    double cheapest = at.front()->convert_write_ms_per_1000_records(), fastest = 0;
    for (const auto* t : at) {
        cheapest = std::min(cheapest, t->convert_write_ms_per_1000_records());
        fastest = std::max(fastest, t->records_per_second);
    }
    const trial_result* batch = at.back();
    for (const auto* t : at)
        if (t->convert_write_ms_per_1000_records() <= 1.2 * cheapest + 0.5 && t->records_per_second >= near_best * fastest) {
            batch = t;
            break;
        }
    std::string batch_reason = "batch " + std::to_string(batch->batch_size) + ": ";
    if (at.size() == 1)
        batch_reason += "the only size tried";
    else if (batch == at.front())
        batch_reason += "converting and writing cost " + fixed(batch->convert_write_ms_per_1000_records()) +
                        " ms per 1000 records, no more than larger batches";
    else
        batch_reason += "converting and writing cost flat from " + std::to_string(batch->batch_size) + " (" +
                        fixed(batch->convert_write_ms_per_1000_records()) + " ms per 1000 records, " +
                        fixed(at.front()->convert_write_ms_per_1000_records()) + " at " + std::to_string(at.front()->batch_size) + ")";
    return {workers, batch->batch_size, workers_reason(by_workers, workers, best, refs) + "; " + batch_reason};
}

} // namespace harvest::tune
