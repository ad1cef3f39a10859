#include <harvest/pipeline/run_report.hpp>

#include <harvest/export/json_writer.hpp>

#include <cstdio>
#include <map>

namespace harvest::pipeline {
using exporting::json_writer;

namespace {

std::string number_text(double v) {
    char number[64];
    std::snprintf(number, sizeof number, "%.17g", v);
    return number;
}

// "  pace              host:port  19.6 req/s (ceiling 20; 3 throttled, 2 slowdowns)"
std::string pace_line(const http::host_pace& h) {
    char rate[64], ceiling[64];
    if (h.rate) std::snprintf(rate, sizeof rate, "%.1f req/s", *h.rate);
    else std::snprintf(rate, sizeof rate, "unpaced");
    if (h.ceiling) std::snprintf(ceiling, sizeof ceiling, "ceiling %g", *h.ceiling);
    else std::snprintf(ceiling, sizeof ceiling, "no ceiling");
    return "  pace              " + h.host + "  " + rate + "  (" + ceiling + "; " + std::to_string(h.throttles) + " throttled, " +
           std::to_string(h.decreases) + (h.decreases == 1 ? " slowdown)\n" : " slowdowns)\n");
}

} // namespace

double run_report::records_per_second() const noexcept {
    return elapsed_seconds > 0 ? static_cast<double>(records) / elapsed_seconds : 0.0;
}

double run_report::requests_per_record() const noexcept {
    return records > 0 ? static_cast<double>(requests.attempts) / static_cast<double>(records) : 0.0;
}

std::string summary_json(const run_report& r) {
    const auto& s = r.requests;
    std::string out;
    json_writer w(out);
    w.begin_object().key("finish_reason").value(r.finish_reason).key("records").value(r.records)
        .key("failures").value(static_cast<std::uint64_t>(r.failures.size()));
    std::map<std::string, std::uint64_t> by_reason;
    for (const auto& f : r.failures) ++by_reason[f.reason];
    w.key("failures_by_reason").begin_object();
    for (const auto& [k, v] : by_reason) w.key(k).value(v);
    w.end_object();
    w.key("unchanged").value(static_cast<std::uint64_t>(r.unchanged)).key("incomplete").value(static_cast<std::uint64_t>(r.incomplete));
    w.key("requests").value(s.attempts).key("retries").value(s.retries).key("requests_per_record").value(r.requests_per_record());
    w.key("requests_by_status").begin_object();
    for (const auto& [status, n] : s.by_status) w.key(std::to_string(status)).value(n);
    w.end_object();
    w.key("bytes_received").value(s.bytes).key("bytes_written").value(r.bytes_written);
    auto ms = [](std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1000.0; };
    w.key("latency_ms").begin_object().key("p50").value(ms(s.latency.percentile(0.50))).key("p95").value(ms(s.latency.percentile(0.95)))
        .key("p99").value(ms(s.latency.percentile(0.99))).end_object();
    auto seconds = [](std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); };
    w.key("time_seconds").begin_object().key("limiter_wait").value(seconds(s.limiter_wait)).key("network").value(seconds(s.network))
        .key("convert_write").value(seconds(r.convert_write)).key("commit_wait").value(seconds(r.commit_wait)).end_object();
    w.key("elapsed_seconds").value(r.elapsed_seconds).key("records_per_second").value(r.records_per_second());
    w.key("hosts").begin_array();
    for (const auto& h : s.hosts) {
        w.begin_object().key("host").value(h.host).key("rate");
        if (h.rate) w.value(*h.rate);
        else w.null();
        w.key("ceiling");
        if (h.ceiling) w.value(*h.ceiling);
        else w.null();
        w.key("throttled").value(h.throttles).key("decreases").value(h.decreases).end_object();
    }
    w.end_array();
    w.end_object();
    return out;
}

std::string summary_text(const run_report& r, std::string_view written_to, const std::optional<std::string>& failures_file) {
    const auto& s = r.requests;
    std::string statuses;
    for (const auto& [status, n] : s.by_status) statuses += (statuses.empty() ? "" : ", ") + std::to_string(status) + ": " + std::to_string(n);
    const std::string where = r.failures.empty() || !failures_file ? std::string() : "  (" + *failures_file + ")";
    char buf[2048];
    std::snprintf(buf, sizeof buf,
                  "harvest collect: %s\n"
                  "  records written   %llu  (%.*s)\n"
                  "  unchanged         %zu\n"
                  "  incomplete        %zu%s\n"
                  "  failures          %zu%s\n"
                  "  requests          %llu  (%s)\n"
                  "  requests/record   %.2f\n"
                  "  retries           %llu\n"
                  "  bytes received    %.1f MB\n"
                  "  elapsed           %.2f s\n"
                  "  rate              %.1f records/s\n",
                  r.finish_reason.c_str(), static_cast<unsigned long long>(r.records), static_cast<int>(written_to.size()), written_to.data(),
                  r.unchanged, r.incomplete, r.incomplete ? "  (written without part of their data, or from a stale page: --resume or --incremental fetches them again)" : "",
                  r.failures.size(), where.c_str(), static_cast<unsigned long long>(s.attempts), statuses.c_str(),
                  r.requests_per_record(), static_cast<unsigned long long>(s.retries), static_cast<double>(s.bytes) / 1e6, r.elapsed_seconds,
                  r.records_per_second());
    std::string out = buf;
    for (const auto& h : s.hosts)
        if (h.rate || h.throttles) out += pace_line(h); // an unpaced host never throttled has nothing to say
    std::map<std::string, std::size_t> by_reason;
    for (const auto& f : r.failures) ++by_reason[f.reason.substr(0, 120)];
    for (const auto& [reason, n] : by_reason) {
        std::snprintf(buf, sizeof buf, "  %6zu × %s\n", n, reason.c_str());
        out += buf;
    }
    return out;
}

std::string metrics_text(const run_report& r, double now, std::string_view previous) {
    const std::string labels = "source=\"" + r.source + "\"";
    std::string out;
    auto metric = [&](const std::string& name, const std::string& help, const std::string& extra_labels, double value) {
        if (out.find("# HELP " + name + " ") == std::string::npos) out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
        out += name + "{" + labels + extra_labels + "} " + number_text(value) + "\n";
    };
    metric("harvest_records_written", "Records written by the last run.", "", static_cast<double>(r.records));
    metric("harvest_records_incomplete", "Records the last run wrote without part of their data (a service failed).", "",
           static_cast<double>(r.incomplete));
    metric("harvest_failures", "Targets that failed permanently in the last run.", "", static_cast<double>(r.failures.size()));
    for (const auto& [status, n] : r.requests.by_status)
        metric("harvest_requests", "Responses in the last run, by HTTP status.", ",status=\"" + std::to_string(status) + "\"", static_cast<double>(n));
    metric("harvest_retries", "Retries in the last run.", "", static_cast<double>(r.requests.retries));
    for (const auto& h : r.requests.hosts) // a family's lines stay together
        if (h.rate) metric("harvest_host_rate", "Requests per second a host was paced at when the last run ended.", ",host=\"" + h.host + "\"", *h.rate);
    for (const auto& h : r.requests.hosts)
        metric("harvest_host_throttled", "429 and 503 answers of a host in the last run.", ",host=\"" + h.host + "\"", static_cast<double>(h.throttles));
    metric("harvest_requests_per_record", "Requests sent per record written in the last run.", "", r.requests_per_record());
    metric("harvest_run_duration_seconds", "Duration of the last run.", "", r.elapsed_seconds);
    metric("harvest_run_finished_timestamp_seconds", "When the last run finished, by finish reason.", ",reason=\"" + r.finish_reason + "\"", now);
    std::optional<std::string> last_success;
    if (r.finish_reason == "complete" || r.finish_reason == "target_reached") {
        last_success = number_text(now);
    } else {
        const std::string prefix = "harvest_last_success_timestamp_seconds{" + labels + "} ";
        std::size_t start = 0;
        while (start < previous.size()) {
            auto end = previous.find('\n', start);
            if (end == std::string_view::npos) end = previous.size();
            const auto line = previous.substr(start, end - start);
            if (line.starts_with(prefix)) last_success = std::string(line.substr(prefix.size()));
            start = end + 1;
        }
    }
    if (last_success)
        out += "# HELP harvest_last_success_timestamp_seconds When a run last finished complete or with its target reached.\n"
               "# TYPE harvest_last_success_timestamp_seconds gauge\n"
               "harvest_last_success_timestamp_seconds{" + labels + "} " + *last_success + "\n";
    return out;
}

std::string failures_jsonl(const std::vector<state::stored_failure>& failures, std::string_view source) {
    std::string out;
    for (const auto& f : failures) {
        json_writer w(out);
        w.begin_object().key("id").value(f.id).key("source").value(source).key("url").value(f.url)
            .key("last_status").value(static_cast<std::uint64_t>(f.last_status)).key("reason").value(f.reason)
            .key("attempts").value(f.attempts).end_object();
        out += '\n';
    }
    return out;
}

exporting::manifest dataset_manifest(const state::state_store& state, exporting::manifest head) {
    for (const auto& f : state.shards())
        if (f.complete) head.files.push_back({f.name, f.run, f.split, f.records, f.bytes, f.sha256});
    for (const auto& r : state.runs())
        head.runs.push_back({r.run, r.mode, r.started_at, r.finished_at, r.finish_reason.empty() ? "crashed" : r.finish_reason, r.records,
                             r.unchanged, r.failures});
    head.failures = state.failures(head.source).size();
    for (const auto& reason : state.incomplete_reasons(head.source)) {
        ++head.incomplete;
        head.stale += reason.starts_with(sources::stale_page_reason);
    }
    return head;
}

} // namespace harvest::pipeline
