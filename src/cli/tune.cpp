#include <harvest/cli/exit_codes.hpp>
#include <harvest/cli/tune.hpp>
#include <harvest/export/json_writer.hpp>
#include <harvest/export/jsonl_file.hpp>
#include <harvest/http/redact.hpp>
#include <harvest/sources/registry.hpp>
#include <harvest/tune/recommendation.hpp>
#include <harvest/tune/trial_process.hpp>
#include <harvest/tune/tune_chart.hpp>

#include <boost/url/parse.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace harvest::cli {
namespace fs = std::filesystem;
using tune::trial_result;

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_stop_signal(int) { stop_requested = 1; }

// Flags tune sets for every trial itself.
constexpr std::string_view owned_flags[] = {"--workers", "--batch-size", "--target", "--out", "--summary", "--state", "--resume",
                                            "--incremental", "--fresh", "--dry-run", "--metrics-file", "--progress", "--config"};

bool is_loopback(const std::string& url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return false;
    const auto host = std::string(parsed->host_address());
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string last_line(std::string_view text) {
    while (text.ends_with('\n')) text.remove_suffix(1);
    if (text.empty()) return "(no message)";
    return std::string(text.substr(text.rfind('\n') + 1)); // npos + 1 == 0: a single line
}

std::string format(const char* fmt, auto... args) {
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}

std::string join(const std::vector<std::size_t>& values) {
    std::string out;
    for (auto v : values) {
        if (!out.empty()) out += ',';
        out += std::to_string(v);
    }
    return out;
}

// Seconds for a token bucket to refill: between trials, so that a new trial's full bucket never
// lets the pair of them exceed the rate.
double refill_seconds(const tune_config& c, bool local) {
    if (c.rate) return c.burst / *c.rate;
    if (local) return 0;
    double longest = 0;
    for (const auto& [host, limit] : sources::find_source(c.source)->default_rates())
        longest = std::max(longest, limit.burst / limit.rate);
    return longest;
}

void print_table(const std::vector<trial_result>& trials) {
    std::printf("%7s %6s %8s %10s %8s %8s %8s %9s %7s %5s %7s %8s %8s %6s\n", "workers", "batch", "records", "records/s", "p50 ms",
                "p95 ms", "p99 ms", "CPU s/1k", "RSS MB", "429", "retries", "limiter", "network", "write");
    for (const auto& t : trials) {
        const double total = std::max(1e-9, t.limiter_wait_s + t.network_s + t.convert_write_s);
        std::printf("%7zu %6zu %8llu %10.1f %8.1f %8.1f %8.1f %9.3f %7.1f %5llu %7llu %7.0f%% %7.0f%% %5.0f%%\n", t.workers, t.batch_size,
                    static_cast<unsigned long long>(t.records), t.records_per_second, t.p50_ms, t.p95_ms, t.p99_ms, t.cpu_per_1000_records(),
                    t.peak_rss_mb, static_cast<unsigned long long>(t.status_429), static_cast<unsigned long long>(t.retries),
                    100 * t.limiter_wait_s / total, 100 * t.network_s / total, 100 * t.convert_write_s / total);
    }
}

std::string results_json(const tune_config& c, const std::vector<trial_result>& trials, const tune::tune_references& refs,
                         const tune::recommendation& chosen) {
    std::string out;
    exporting::json_writer w(out);
    w.begin_object().key("source").value(c.source).key("endpoint").value(c.base_url.empty() ? "the real services" : http::redact_url(c.base_url));
    if (c.rate) w.key("rate").value(*c.rate).key("burst").value(c.burst);
    w.key("trials").begin_array();
    for (const auto& t : trials) {
        w.begin_object().key("workers").value(static_cast<std::uint64_t>(t.workers)).key("batch_size").value(static_cast<std::uint64_t>(t.batch_size))
            .key("records").value(t.records).key("requests").value(t.requests).key("seconds").value(t.seconds)
            .key("records_per_second").value(t.records_per_second).key("latency_ms").begin_object().key("p50").value(t.p50_ms)
            .key("p95").value(t.p95_ms).key("p99").value(t.p99_ms).end_object().key("cpu_seconds_per_1000_records").value(t.cpu_per_1000_records())
            .key("peak_rss_mb").value(t.peak_rss_mb).key("status_429").value(t.status_429).key("retries").value(t.retries)
            .key("time_seconds").begin_object().key("limiter_wait").value(t.limiter_wait_s).key("network").value(t.network_s)
            .key("convert_write").value(t.convert_write_s).end_object().end_object();
    }
    w.end_array();
    w.key("references").begin_object().key("requests_per_record").value(refs.requests_per_record);
    if (refs.limiter_records_per_s) w.key("limiter_records_per_second").value(*refs.limiter_records_per_s);
    if (refs.unloaded_latency_ms) w.key("unloaded_latency_ms").value(*refs.unloaded_latency_ms);
    w.end_object();
    w.key("recommendation").begin_object().key("workers").value(static_cast<std::uint64_t>(chosen.workers))
        .key("batch_size").value(static_cast<std::uint64_t>(chosen.batch_size)).key("reason").value(chosen.reason).end_object();
    w.end_object();
    return out += '\n';
}

void check_output_path(const std::string& flag, const std::string& path, std::string_view extension) {
    if (!path.ends_with(extension)) throw std::invalid_argument(flag + " " + path + ": expected a file name ending in " + std::string(extension));
    const auto dir = fs::path(path).parent_path();
    if (!dir.empty() && !fs::is_directory(dir)) throw std::invalid_argument(flag + " " + path + ": directory " + dir.string() + " does not exist");
}

} // namespace

std::vector<std::size_t> parse_number_list(const std::string& flag, const std::string& text, std::size_t low, std::size_t high) {
    std::vector<std::size_t> out;
    std::stringstream in(text);
    const auto expected = flag + " '" + text + "': expected a comma-separated list of whole numbers from " + std::to_string(low) + " to " +
                          std::to_string(high) + ", e.g. 1,10,50";
    for (std::string item; std::getline(in, item, ',');) {
        if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || item.size() > 9) throw std::invalid_argument(expected);
        const auto v = static_cast<std::size_t>(std::stoull(item));
        if (v < low || v > high) throw std::invalid_argument(expected);
        if (std::ranges::find(out, v) == out.end()) out.push_back(v);
    }
    if (out.empty()) throw std::invalid_argument(expected);
    std::ranges::sort(out);
    return out;
}

int run_tune(const tune_config& given) {
    tune_config c = given;
    try {
        for (const auto& arg : c.collect_args)
            for (auto flag : owned_flags)
                if (arg == flag || arg.starts_with(std::string(flag) + "="))
                    throw std::invalid_argument(std::string(flag) + ": harvest tune sets it for every trial (use tune's --workers, --batch-size, --target)");
        if (c.plot) check_output_path("--plot", *c.plot, ".svg");
        if (c.json) check_output_path("--json", *c.json, ".json");
    } catch (const std::invalid_argument& e) {
        std::cerr << "harvest: " << e.what() << '\n';
        return exit_usage;
    }
    const bool local = !c.base_url.empty() && is_loopback(c.base_url);
    // A real API gets few, small trials unless asked for more.
    if (c.workers.empty()) c.workers = local ? std::vector<std::size_t>{1, 10, 50, 100, 200} : std::vector<std::size_t>{1, 4, 8};
    if (c.batch_sizes.empty()) c.batch_sizes = local ? std::vector<std::size_t>{10, 50, 200, 1000} : std::vector<std::size_t>{10, 50};
    const std::size_t target = c.target.value_or(local ? 300 : 20);
    const std::size_t trials = c.workers.size() * c.batch_sizes.size();
    const auto requests = static_cast<std::size_t>(static_cast<double>(trials) * (static_cast<double>(target) * c.requests_per_record + 1)); // + the listing
    const auto endpoint = c.base_url.empty() ? std::string(sources::find_source(c.source)->services) : http::redact_url(c.base_url);
    std::string limit = c.rate ? format("%g req/s per host (burst %g)", *c.rate, c.burst) : std::string("each service's polite default rate");
    std::cerr << "harvest tune: " << trials << " trials (workers " << join(c.workers) << " × batch " << join(c.batch_sizes) << "), up to "
              << target << " records each: about " << requests << " requests to " << endpoint << ", at most " << limit << '\n';
    if (!local && !c.yes) {
        if (!::isatty(STDIN_FILENO)) {
            std::cerr << "harvest: tune against " << endpoint << ": confirm the " << requests
                      << " requests with --yes (no terminal to ask on)\n";
            return exit_usage;
        }
        std::cerr << "Send them? [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            std::cerr << "harvest tune: nothing sent\n";
            return exit_ok;
        }
    }

    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = (tmp && *tmp ? std::string(tmp) : std::string("/tmp")) + "/harvest-tune-XXXXXX";
    if (!::mkdtemp(pattern.data())) {
        std::cerr << "harvest: tune: cannot create a temporary directory (" << pattern << "): " << std::strerror(errno) << '\n';
        return exit_fatal;
    }
    const fs::path scratch = pattern;
    struct remove_on_exit {
        fs::path dir;
        ~remove_on_exit() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup{scratch};

    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    struct sigaction old_int {}, old_term {};
    sigaction(SIGINT, &action, &old_int);
    sigaction(SIGTERM, &action, &old_term);

    const auto pause = std::chrono::duration<double>(refill_seconds(c, local));
    std::vector<trial_result> results;
    int exit_code = exit_ok;
    std::size_t n = 0;
    for (auto batch : c.batch_sizes) {
        for (auto workers : c.workers) {
            if (stop_requested) break;
            if (n > 0 && pause.count() > 0) std::this_thread::sleep_for(pause);
            ++n;
            const auto dir = scratch / ("trial-" + std::to_string(n));
            fs::create_directory(dir);
            std::vector<std::string> args{c.harvest_exe, "collect", "--source", c.source, "--workers", std::to_string(workers), "--batch-size",
                                          std::to_string(batch), "--target", std::to_string(target), "--out", (dir / "trial.jsonl").string(),
                                          "--summary", (dir / "summary.json").string(), "--progress", "never", "--log-level", "error"};
            if (c.rate) args.insert(args.end(), {"--rate", format("%g", *c.rate), "--burst", format("%g", c.burst)});
            if (!c.base_url.empty()) args.insert(args.end(), {"--base-url", c.base_url});
            args.insert(args.end(), c.collect_args.begin(), c.collect_args.end());
            const auto label = format("trial %zu/%zu (workers %zu, batch %zu)", n, trials, workers, batch);
            tune::process_outcome run;
            try {
                run = tune::run_trial_process(args, dir / "stderr.txt", c.max_trial, std::chrono::seconds(20), stop_requested);
            } catch (const std::exception& e) {
                std::cerr << "harvest: tune: " << e.what() << '\n';
                return exit_fatal;
            }
            const bool finished = run.exit_code == exit_ok || run.exit_code == exit_failures ||
                                  (run.exit_code == exit_interrupted && run.stopped_early && !stop_requested);
            if (!finished) {
                if (stop_requested) break;
                std::cerr << "harvest: tune: " << label << ": " << http::redact_text(last_line(read_all(dir / "stderr.txt"))) << '\n';
                return run.exit_code == exit_usage ? exit_usage : exit_fatal;
            }
            trial_result t;
            t.workers = workers;
            t.batch_size = batch;
            if (auto error = tune::read_trial_summary(read_all(dir / "summary.json"), t); !error.empty()) {
                std::cerr << "harvest: tune: " << label << ": " << error << '\n';
                return exit_fatal;
            }
            t.cpu_seconds = run.cpu_seconds;
            t.peak_rss_mb = run.peak_rss_mb;
            std::cerr << "harvest tune: " << label << ": " << format("%.1f records/s, p95 %.1f ms", t.records_per_second, t.p95_ms)
                      << (run.stopped_early ? format(" (stopped at the %lld s limit)", static_cast<long long>(c.max_trial.count() / 1000)) : "") << '\n';
            results.push_back(t);
            fs::remove_all(dir);
        }
    }
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    if (stop_requested) {
        std::cerr << "harvest tune: interrupted after " << results.size() << " of " << trials << " trials\n";
        exit_code = exit_interrupted;
    }
    if (results.empty()) return exit_code == exit_ok ? exit_fatal : exit_code;

    const auto refs = tune::measure_references(results, c.rate);
    tune::recommendation chosen;
    try {
        chosen = tune::recommend(results, refs);
    } catch (const std::invalid_argument& e) {
        print_table(results);
        std::cerr << "harvest: tune: " << e.what() << '\n';
        return exit_fatal;
    }
    print_table(results);
    std::printf("\nrequests per record %.2f", refs.requests_per_record);
    if (refs.limiter_records_per_s) std::printf("; limiter ceiling %.1f records/s", *refs.limiter_records_per_s);
    if (refs.unloaded_latency_ms) std::printf("; unloaded latency %.1f ms (p50 with the fewest workers)", *refs.unloaded_latency_ms);
    std::printf("\nrecommended: --workers %zu --batch-size %zu\n  %s\n", chosen.workers, chosen.batch_size, chosen.reason.c_str());
    std::fflush(stdout);
    try {
        if (c.json) exporting::write_file_atomically(*c.json, results_json(c, results, refs, chosen));
        if (c.plot) {
            const auto title = "harvest tune: " + c.source + ", " + std::to_string(target) + " records per trial" +
                               (c.rate ? format(", --rate %g", *c.rate) : std::string());
            exporting::write_file_atomically(*c.plot, tune::tune_chart_svg(results, refs, chosen, title));
        }
    } catch (const std::exception& e) {
        std::cerr << "harvest: tune: " << e.what() << '\n';
        return exit_fatal;
    }
    return exit_code;
}

} // namespace harvest::cli
