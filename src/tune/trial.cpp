#include <harvest/tune/trial.hpp>

#include <simdjson.h>

namespace harvest::tune {

std::string read_trial_summary(std::string_view json, trial_result& out) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) return "the trial's summary is not JSON";
    // A number at doc[outer] or doc[outer][inner].
    struct field {
        const char* outer;
        const char* inner;
        double* value;
    };
    double records = 0, requests = 0, retries = 0;
    const field fields[] = {{"records", nullptr, &records},
                            {"requests", nullptr, &requests},
                            {"retries", nullptr, &retries},
                            {"elapsed_seconds", nullptr, &out.seconds},
                            {"records_per_second", nullptr, &out.records_per_second},
                            {"latency_ms", "p50", &out.p50_ms},
                            {"latency_ms", "p95", &out.p95_ms},
                            {"latency_ms", "p99", &out.p99_ms},
                            {"time_seconds", "limiter_wait", &out.limiter_wait_s},
                            {"time_seconds", "network", &out.network_s},
                            {"time_seconds", "convert_write", &out.convert_write_s}};
    for (const auto& f : fields) {
        const std::string name = f.inner ? std::string(f.outer) + "." + f.inner : std::string(f.outer);
        simdjson::dom::element e;
        if (doc[f.outer].get(e) != simdjson::SUCCESS || (f.inner && e[f.inner].get(e) != simdjson::SUCCESS))
            return "the trial's summary has no " + name;
        if (e.get(*f.value) != simdjson::SUCCESS) return "the trial's summary: " + name + " is not a number";
    }
    out.records = static_cast<std::uint64_t>(records);
    out.requests = static_cast<std::uint64_t>(requests);
    out.retries = static_cast<std::uint64_t>(retries);
    std::uint64_t too_many = 0;
    if (doc["requests_by_status"]["429"].get(too_many) == simdjson::SUCCESS) out.status_429 = too_many;
    return {};
}

} // namespace harvest::tune
