#include <harvest/cli/collect.hpp>

#include <harvest/cli/errors.hpp>
#include <harvest/cli/exit_codes.hpp>
#include <harvest/http/redact.hpp>

#include <cstdio>
#include <iostream>

#include <unistd.h>

namespace harvest::cli {

namespace {

// "[#######             ] 7/20 records, 3.1/s, ..." on a terminal; the same words in a log line.
std::string progress_text(const pipeline::progress_snapshot& p) {
    std::string eta = "?";
    if (p.left && p.records_per_second > 0)
        eta = std::to_string(static_cast<long long>(static_cast<double>(*p.left) / p.records_per_second + 0.5)) + " s";
    std::string of_target;
    if (p.target) {
        of_target = "/"; // appended: g++ 12 warns falsely (-Wrestrict) on "/" + string
        of_target += std::to_string(*p.target);
    }
    char buf[256];
    std::snprintf(buf, sizeof buf, "%zu%s records, %.1f/s, %zu in flight, %llu retries, %zu failures, ETA %s", p.written, of_target.c_str(),
                  p.records_per_second, p.in_flight, static_cast<unsigned long long>(p.retries), p.failures, eta.c_str());
    return buf;
}

std::string progress_bar(const pipeline::progress_snapshot& p) {
    if (!p.target || *p.target == 0) return {};
    constexpr std::size_t width = 20;
    const std::size_t filled = std::min(width, p.written * width / *p.target);
    std::string bar = "["; // appended: g++ 12 warns falsely (-Wrestrict) on "[" + string
    bar.append(filled, '#').append(width - filled, ' ') += "] ";
    return bar;
}

} // namespace

int run_collect(const collect_config& config) {
    const logger log(*parse_log_level(config.log_level), config.log_format == "json" ? log_format::json : log_format::text);
    pipeline::engine_hooks hooks;
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    const bool shown = config.progress == "always" || (config.progress == "auto" && (tty || config.log_level != "error"));
    const bool bar = config.progress == "always" || (tty && config.progress == "auto"); // always: the bar even into a file
    const bool draws_bar = shown && bar && !config.dry_run;
    if (shown && !config.dry_run) {
        hooks.progress_period = bar ? std::chrono::milliseconds(250) : std::chrono::milliseconds(config.log_interval);
        hooks.on_progress = [&log, bar](const pipeline::progress_snapshot& p) {
            const auto line = progress_text(p);
            if (bar) {
                std::fprintf(stderr, "\r\x1b[K%s%s", progress_bar(p).c_str(), line.c_str());
                std::fflush(stderr);
            } else {
                log.info(line, {{"event", "progress"}, {"records", p.written}, {"target", p.target.value_or(0)},
                                {"records_per_second", p.records_per_second}, {"in_flight", p.in_flight}, {"retries", p.retries},
                                {"failures", p.failures}, {"left", p.left.value_or(0)}});
            }
        };
    }
    hooks.on_interrupt = [&config](std::size_t in_flight) {
        std::cerr << "harvest: interrupted; finishing " << in_flight << " requests in flight (at most " << config.drain_timeout.count() / 1000.0
                  << " s; interrupt again to stop now)\n";
    };
    hooks.on_dry_run_target = [](const std::string& id) { std::cout << id << '\n'; };
    // Start-up errors may quote a base URL: redacted like every other message.
    auto report = [](const std::string& message, int code) {
        std::cerr << "harvest: " << http::redact_text(message) << '\n';
        return code;
    };
    try {
        const auto result = pipeline::run_job(config, log, std::move(hooks));
        if (draws_bar) std::fputs("\r\x1b[K", stderr); // clear the bar before the summary
        if (config.dry_run) {
            std::cout.flush();
            if (result.fatal) return report(result.fatal->message, exit_fatal);
            const auto& p = *result.plan;
            std::cerr << "harvest collect --dry-run: " << p.fetch + p.revalidate << " to fetch (" << p.revalidate << " revalidated), "
                      << p.skip_done + p.skip_failed + p.skip_unchanged << " skipped (" << p.skip_done << " already written, " << p.skip_failed
                      << " failed permanently, " << p.skip_unchanged << " unchanged), " << p.excluded << " excluded"
                      << (p.other_shards ? ", " + std::to_string(p.other_shards) + " left to the other shards" : std::string()) << "; nothing was fetched\n";
            return exit_ok;
        }
        if (result.report_written)
            std::fputs(pipeline::summary_text(result.report, result.dataset_directory ? *result.dataset_directory + "/" : "standard output", result.failures_file).c_str(), stderr);
        if (result.fatal) return report(result.fatal->message, exit_fatal);
        if (result.finish_reason == "interrupted") return exit_interrupted;
        // Cron reads the exit code: the dataset's failures count, not only this run's.
        if (result.dataset_failures > result.report.failures.size())
            std::cerr << "harvest: the dataset still lists " << result.dataset_failures << " failed targets in " << result.failures_file.value_or("failures.jsonl")
                      << " (" << result.dataset_failures - result.report.failures.size() << " from earlier runs; --resume --retry-failed asks them again)\n";
        return result.report.failures.empty() && result.dataset_failures == 0 ? exit_ok : exit_failures;
    } catch (const failure& e) {
        return report(describe(e.details()), exit_code_for(e.details()));
    } catch (const std::exception& e) {
        return report(e.what(), exit_fatal);
    }
}

} // namespace harvest::cli
