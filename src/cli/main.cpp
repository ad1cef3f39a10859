// harvest: the command-line entry point.
#include <harvest/cli/collect.hpp>
#include <harvest/cli/errors.hpp>
#include <harvest/cli/exit_codes.hpp>
#include <harvest/cli/toml_config.hpp>
#include <harvest/cli/tune.hpp>
#include <harvest/http/redact.hpp>
#include <harvest/http/url.hpp>
#include <harvest/sources/registry.hpp>
#include <harvest/export/dataset_card.hpp>
#include <harvest/export/dataset_directory.hpp>
#include <harvest/export/dataset_writer.hpp>
#include <harvest/export/jsonl_file.hpp>
#include <harvest/export/latest_snapshot.hpp>
#include <harvest/logger.hpp>
#include <harvest/version.hpp>

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace {

using harvest::cli::collect_config;

// The command line as the manifest and the state record it: credentials redacted.
std::string joined_command_line(int argc, char** argv) { return harvest::http::redact_command_line({argv, argv + argc}); }

// --header "Name: value": a token for a name, no line breaks anywhere.
std::optional<std::pair<std::string, std::string>> parse_header(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == 0 || colon == std::string::npos || text.find_first_of("\r\n") != std::string::npos) return std::nullopt;
    const auto name = text.substr(0, colon);
    if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~") != std::string::npos)
        return std::nullopt;
    auto value = text.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return std::pair{name, value};
}

// "Where to harvest from: glytoucan (...), pypi (...)", from the registry.
std::string source_help() {
    std::string text = "Where to harvest from:";
    for (const auto& d : harvest::sources::registered_sources())
        text += std::string(text.back() == ':' ? " " : ", ") + std::string(d.name) + " (" + std::string(d.summary) + ")";
    return text;
}

struct collect_flags {
    collect_config config;
    std::size_t target = 0, shard_size = 0;
    std::string split;
    std::string ids, exclude, summary, format = "raw", user_agent, ca_file, base_url, metrics, state;
    std::vector<std::string> headers;
    std::optional<std::string> sparql_url, glycosmos_url, glygen_url; // each wins over --base-url
    std::optional<double> rate;
    double burst = 1;
    double timeout_s = 0, retry_budget_s = 120, drain_timeout_s = 10, progress_interval_s = 10;
    std::size_t max_body_mb = 64;
    bool all_markers = false;
    std::string shard;
    std::optional<std::size_t> shards;
};

void add_collect(CLI::App& app, collect_flags& f) {
    auto* c = app.add_subcommand("collect", "Harvest records and write training data as JSONL");
    // --config belongs to the main app (CLI11 reads configuration there) and is reached from
    // `harvest collect --config` by fallthrough; its keys are collect's options.
    app.config_formatter(std::make_shared<harvest::cli::toml_config>("collect"));
    app.set_config("--config", "", "TOML file with any collect flag as a key (workers = 50); flags on the command line win");
    c->fallthrough();
    app.allow_config_extras(CLI::config_extras_mode::error);
    c->allow_config_extras(CLI::config_extras_mode::error);
    c->add_option("--metrics-file", f.metrics, "Write Prometheus metrics (textfile collector format) here at the end of the run");
    auto& cfg = f.config;
    c->add_option("--state", f.state, "The dataset's state (SQLite); default: <out>.state.sqlite");
    auto* resume = c->add_flag("--resume", cfg.resume, "Continue the dataset: skip targets already written, fetch the rest");
    auto* incremental = c->add_flag("--incremental", cfg.incremental, "Update the dataset: fetch only what changed since the last run (for cron)");
    auto* fresh = c->add_flag("--fresh", cfg.fresh, "Delete the dataset's files and state and start over");
    resume->excludes(incremental)->excludes(fresh);
    c->add_flag("--retry-failed", cfg.retry_failed, "With --resume or --incremental: ask targets that failed permanently (404, malformed) again too");
    incremental->excludes(fresh);
    c->add_option("--source", cfg.source, source_help())->required()->check(CLI::IsMember(harvest::sources::source_names()));
    c->add_option("--shard", f.shard, "K/N: harvest only shard K of N (by a stable hash of each id), as one of N processes; default: "
                                      "from JOB_COMPLETION_INDEX (Kubernetes, with --shards) or SLURM_ARRAY_TASK_ID (Slurm)");
    c->add_option("--shards", f.shards, "N, for a Kubernetes Indexed Job (its completions, which it does not export)")->check(CLI::Range(1, 100000));
    c->add_option("--exclude", f.exclude, "Targets never to fetch, in the --ids syntax ('-' for stdin), whether enumerated, given or discovered");
    c->add_option("--ids", f.ids, "Targets to fetch, one per line ('-' for stdin; # comments allowed): accessions, or PyPI names (name==version for one release); default: enumerate");
    c->add_option("--target", f.target, "Stop after N records written (default: everything enumerated)")->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40));
    c->add_option("--workers", cfg.http.workers, "Requests in flight, all hosts together")->capture_default_str()->check(CLI::Range(1, 1000));
    c->add_option("--max-per-host", cfg.http.max_per_host, "Connections per host (default: --workers)")->check(CLI::Range(1, 1000));
    c->add_option("--batch-size", cfg.batch_size, "Records converted and written as one unit")->capture_default_str()->check(CLI::Range(1, 1'000'000));
    c->add_option("--format", f.format, "Output format: raw (typed record), text (natural language) or chat (question-answer messages)")->capture_default_str()->check(CLI::IsMember({"raw", "text", "chat"}));
    c->add_option("--out", cfg.out, "Output file ending in .jsonl, .jsonl.gz or .jsonl.zst, or '-' for standard output")->capture_default_str();
    c->add_option("--shard-size", f.shard_size, "Records per numbered shard (name-00001.jsonl.zst, ...); default: one file")->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40));
    c->add_option("--split", f.split, "Deterministic splits by a stable hash of the id, e.g. train=0.9,val=0.05,test=0.05");
    c->add_option("--summary", f.summary, "Also write the run summary as JSON to this file");
    c->add_flag("--dry-run", cfg.dry_run, "Print the targets that would be fetched; fetch nothing");
    c->add_option("--progress", cfg.progress, "auto: a progress bar on a terminal, else a log line every 10 s; always; never")->capture_default_str()->check(CLI::IsMember({"auto", "always", "never"}));
    c->add_option("--progress-interval", f.progress_interval_s, "Seconds between progress log lines when stderr is not a terminal")->capture_default_str()->check(CLI::Range(0.05, 86400.0));
    c->add_option("--log-level", cfg.log_level, "Least severe messages shown: error, warn, info, debug")->capture_default_str()->check(CLI::IsMember({"error", "warn", "info", "debug"}));
    c->add_option("--log-format", cfg.log_format, "Log lines as text or JSON")->capture_default_str()->check(CLI::IsMember({"text", "json"}));
    c->add_option("--rate", f.rate, "Requests per second per host (default: each service's polite default, see README)")->check(CLI::PositiveNumber);
    c->add_option("--burst", f.burst, "Token-bucket size for --rate")->capture_default_str()->check(CLI::Range(1.0, 1e6));
    c->add_option("--retries", cfg.http.retry.max_retries, "Retries per request after the first attempt")->capture_default_str()->check(CLI::Range(0, 100));
    c->add_option("--retry-budget", f.retry_budget_s, "Seconds one request may spend waiting between retries")->capture_default_str()->check(CLI::Range(0.0, 86400.0));
    c->add_option("--timeout", f.timeout_s, "Seconds allowed for each phase of a request (connect, TLS, first byte, ...)")->check(CLI::Range(0.001, 86400.0));
    c->add_option("--max-body", f.max_body_mb, "Largest response body accepted, in MiB (decoded size too)")->capture_default_str()->check(CLI::Range(1, 4096));
    c->add_option("--user-agent", f.user_agent, "User-Agent header (put your contact in it)");
    c->add_option("--header", f.headers, "Extra request header 'Name: value' (repeatable); credentials are redacted everywhere harvest writes and dropped on redirects to another host");
    c->add_option("--ca-file", f.ca_file, "PEM file of CAs to trust in addition to the system store")->check(CLI::ExistingFile);
    c->add_option("--drain-timeout", f.drain_timeout_s, "On the first SIGINT/SIGTERM, seconds to let requests in flight finish")->capture_default_str()->check(CLI::Range(0.0, 3600.0));
    c->add_option("--base-url", f.base_url, "Point every service at one host: a PyPI mirror, or harvest-fixture-server (default: the real services)");
    c->add_flag("--follow-deps", cfg.sources.pypi.follow_deps, "pypi: also harvest every requirement's project, recursively (bounded by --target)");
    c->add_option("--python-version", cfg.sources.pypi.python_version, "pypi --follow-deps: the Python (X.Y) whose dependencies are followed")->capture_default_str();
    c->add_option("--platform", cfg.sources.pypi.platform, "pypi --follow-deps: the platform whose dependencies are followed")
        ->capture_default_str()->check(CLI::IsMember({"linux", "windows", "macos"}));
    c->add_flag("--all-markers", f.all_markers, "pypi --follow-deps: follow every requirement's project, markers not evaluated, no version chosen");
    c->add_flag("--with-description", cfg.sources.pypi.with_description, "pypi: keep the long description (it dominates record size)");
    const harvest::sources::glytoucan_options real;
    c->add_option("--sparql-url", f.sparql_url, "GlyTouCan SPARQL endpoint (default: " + real.sparql_url + "; wins over --base-url)");
    c->add_option("--glycosmos-url", f.glycosmos_url, "GlyCosmos API base (default: " + real.glycosmos_url + "; wins over --base-url)");
    c->add_option("--glygen-url", f.glygen_url, "GlyGen API base (default: " + real.glygen_url + "; wins over --base-url)");
    c->add_option("--page-size", cfg.sources.glytoucan.page_size, "SPARQL enumeration page size")->capture_default_str()->check(CLI::Range(1, 100000));
    c->add_flag("--no-enrich", [&cfg](std::int64_t) { cfg.sources.glytoucan.enrich = false; }, "Skip the GlyGen detail request");
}

struct tune_flags {
    harvest::cli::tune_config config;
    std::string workers, batch_sizes, plot, json;
    std::size_t target = 0;
    double max_trial_s = 30;
    std::optional<double> rate;
};

void add_tune(CLI::App& app, tune_flags& f) {
    auto* t = app.add_subcommand("tune", "Measure workers and batch sizes with short collect trials and recommend them (table, JSON, SVG chart); any other collect flag is passed to every trial");
    t->allow_extras(); // every other collect flag is passed to each trial
    auto& cfg = f.config;
    t->add_option("--source", cfg.source, source_help())->required()->check(CLI::IsMember(harvest::sources::source_names()));
    t->add_option("--workers", f.workers, "Worker counts to try, e.g. 1,10,50,100,200 (default: that against a local endpoint, 1,4,8 against a real API)");
    t->add_option("--batch-size", f.batch_sizes, "Batch sizes to try, e.g. 10,50,200,1000 (default: that locally, 10,50 against a real API)");
    t->add_option("--target", f.target, "Records per trial (default: 300 locally, 20 against a real API)")->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
    t->add_option("--max-trial-seconds", f.max_trial_s, "A trial still running after this is stopped (SIGINT) and measured as far as it got")->capture_default_str()->check(CLI::Range(1.0, 86400.0));
    t->add_option("--rate", f.rate, "Requests per second per host, for every trial (default: each service's polite default)")->check(CLI::PositiveNumber);
    t->add_option("--burst", cfg.burst, "Token-bucket size for --rate")->capture_default_str()->check(CLI::Range(1.0, 1e6));
    t->add_option("--base-url", cfg.base_url, "A mirror or harvest-fixture-server (default: the real services)");
    t->add_option("--plot", f.plot, "Write an SVG chart: records/s against workers, one line per batch size");
    t->add_option("--json", f.json, "Write every measurement and the recommendation as JSON");
    t->add_flag("--yes", cfg.yes, "Against a real API, send the trials' requests without asking");
}

// The requests per record of the trials: the trials' collect flags parsed as collect parses them
// (flags collect rejects leave the source's defaults; the first trial then reports them).
double trial_requests_per_record(const std::string& source, const std::vector<std::string>& args) {
    CLI::App app;
    collect_flags flags;
    add_collect(app, flags);
    std::vector<std::string> argv{"harvest", "collect", "--source", source};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<const char*> raw;
    for (const auto& a : argv) raw.push_back(a.c_str());
    try {
        app.parse(static_cast<int>(raw.size()), raw.data());
    } catch (const CLI::ParseError&) {
        flags.config.sources = {};
    }
    return harvest::sources::find_source(source)->requests_per_record(flags.config.sources);
}

int finish_tune(tune_flags& f, const CLI::App& tune) {
    auto& cfg = f.config;
    try {
        if (!f.workers.empty()) cfg.workers = harvest::cli::parse_number_list("--workers", f.workers, 1, 1000);
        if (!f.batch_sizes.empty()) cfg.batch_sizes = harvest::cli::parse_number_list("--batch-size", f.batch_sizes, 1, 1'000'000);
    } catch (const std::invalid_argument& e) {
        std::cerr << "harvest: " << e.what() << '\n';
        return harvest::cli::exit_usage;
    }
    if (f.target) cfg.target = f.target;
    cfg.max_trial = std::chrono::milliseconds(static_cast<std::int64_t>(f.max_trial_s * 1000));
    cfg.rate = f.rate;
    if (!f.plot.empty()) cfg.plot = f.plot;
    if (!f.json.empty()) cfg.json = f.json;
    cfg.collect_args = tune.remaining();
    cfg.requests_per_record = trial_requests_per_record(cfg.source, cfg.collect_args);
    std::error_code ec;
    cfg.harvest_exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    if (ec) {
        std::cerr << "harvest: tune: cannot find this program (/proc/self/exe): " << ec.message() << '\n';
        return harvest::cli::exit_fatal;
    }
    return harvest::cli::run_tune(cfg);
}

struct export_flags {
    std::string latest, manifest = "manifest.json", split;
    std::vector<std::string> datasets;
};

void add_export(CLI::App& app, export_flags& f) {
    auto* e = app.add_subcommand("export", "Compact a dataset that several runs wrote into one snapshot");
    e->add_option("--latest", f.latest, "Write every record once, as the latest run wrote it: DIR/NAME.jsonl[.gz|.zst] is the dataset directory DIR/NAME/ ('-': stdout)")->required();
    e->add_option("--manifest", f.manifest, "The dataset's manifest.json (in the directory harvest collect wrote)")->capture_default_str()->check(CLI::ExistingFile);
    e->add_option("--dataset", f.datasets, "A dataset directory, or a directory holding the N shard datasets of one --shard set (repeatable; instead of --manifest)");
    e->add_option("--split", f.split, "Only this split's files (datasets written with --split)");
}

int run_export(const export_flags& f, const std::string& command_line) {
    namespace exporting = harvest::exporting;
    try {
        std::vector<std::filesystem::path> manifests{f.manifest};
        if (!f.datasets.empty()) manifests = exporting::find_manifests({f.datasets.begin(), f.datasets.end()});
        std::optional<exporting::dataset_directory> out;
        std::optional<exporting::manifest> replaced; // the snapshot an earlier export left there
        if (f.latest != "-") {
            exporting::validate_output(f.latest, std::nullopt, {}, "latest");
            out.emplace(f.latest);
            if (std::filesystem::exists(out->private_dir()))
                throw harvest::failure(harvest::errc::invalid_input, "latest", f.latest + ": " + out->root().string() +
                                                                                  " is a harvest dataset, not a snapshot (choose another --latest)");
            if (std::filesystem::exists(out->manifest())) replaced = exporting::read_manifest(out->manifest());
            else out->check();
            std::filesystem::create_directories(out->root());
        }
        const auto started = harvest::utc_now();
        auto r = exporting::write_latest_snapshot(manifests, out ? out->data_path() : "-", f.split.empty() ? std::nullopt : std::optional(f.split));
        if (out) { // the snapshot is a dataset of its own: manifest and card beside its file
            auto& m = r.snapshot;
            m.command_line = command_line;
            m.started_at = started;
            m.finished_at = harvest::utc_now();
            exporting::write_file_atomically(out->manifest(), m.to_json());
            const auto* source = harvest::sources::find_source(m.source);
            exporting::write_file_atomically(out->card(), exporting::dataset_card(m, out->root().filename().string(),
                                                                                  source ? source->card_terms()
                                                                                         : exporting::card_source{m.source, "other", "Terms unknown to this harvest."}));
            if (replaced) // the earlier snapshot's file, if it had another name (another compression)
                for (const auto& old : replaced->files)
                    if (old.path != m.files.front().path) std::filesystem::remove(out->root() / old.path);
        }
        std::cerr << "harvest export: " << r.records << " records from " << r.files << " files of " << r.datasets << " dataset(s) (" << r.superseded
                  << " older versions left out) -> " << (out ? out->root().string() + "/" : std::string("standard output")) << '\n';
        return harvest::cli::exit_ok;
    } catch (const harvest::failure& e) {
        std::cerr << "harvest: " << harvest::cli::describe(e.details()) << '\n';
        return harvest::cli::exit_code_for(e.details());
    } catch (const std::exception& e) {
        std::cerr << "harvest: " << e.what() << '\n';
        return harvest::cli::exit_fatal;
    }
}

int finish_collect(collect_flags& f, const std::string& command_line) {
    auto& cfg = f.config;
    cfg.command_line = command_line;
    if (f.target) cfg.target = f.target;
    if (cfg.retry_failed && !cfg.resume && !cfg.incremental) {
        std::cerr << "harvest: --retry-failed: only with --resume or --incremental (a first run asks every target anyway)\n";
        return harvest::cli::exit_usage;
    }
    if (!f.ids.empty()) cfg.ids_file = f.ids;
    if (!f.exclude.empty()) cfg.exclude_file = f.exclude;
    if (!f.summary.empty()) cfg.summary_file = f.summary;
    if (!f.metrics.empty()) cfg.metrics_file = f.metrics;
    if (!f.state.empty()) cfg.state_file = f.state;
    cfg.format = *harvest::convert::parse_output_format(f.format);
    if (f.shard_size) cfg.shard_size = f.shard_size;
    cfg.log_interval = static_cast<std::int64_t>(f.progress_interval_s * 1000);
    try {
        if (!f.split.empty()) cfg.splits = harvest::exporting::parse_splits(f.split);
    } catch (const harvest::failure& e) {
        std::cerr << "harvest: " << harvest::cli::describe(e.details()) << '\n';
        return harvest::cli::exit_code_for(e.details());
    }
    const std::pair<const char*, const std::string*> urls[] = {{"base-url", &f.base_url},
                                                               {"sparql-url", f.sparql_url ? &*f.sparql_url : nullptr},
                                                               {"glycosmos-url", f.glycosmos_url ? &*f.glycosmos_url : nullptr},
                                                               {"glygen-url", f.glygen_url ? &*f.glygen_url : nullptr}};
    for (const auto& [flag, url] : urls) {
        if (!url || url->empty() || harvest::http::is_http_url(*url)) continue;
        std::cerr << "harvest: --" << flag << " '" << harvest::http::redact_text(*url)
                  << "': not an http or https URL (expected e.g. https://mirror.example.org)\n";
        return harvest::cli::exit_usage;
    }
    cfg.sources.pypi.environment = harvest::sources::environment_for(cfg.sources.pypi.python_version, cfg.sources.pypi.platform);
    if (!cfg.sources.pypi.environment) {
        std::cerr << "harvest: --python-version '" << cfg.sources.pypi.python_version << "': expected a Python version as MAJOR.MINOR, e.g. 3.12\n";
        return harvest::cli::exit_usage;
    }
    if (f.all_markers) cfg.sources.pypi.environment.reset();
    const auto* source = harvest::sources::find_source(cfg.source); // --source is checked against the registry
    if (!f.base_url.empty()) source->set_base_url(cfg.sources, f.base_url);
    if (f.sparql_url) cfg.sources.glytoucan.sparql_url = *f.sparql_url;
    if (f.glycosmos_url) cfg.sources.glytoucan.glycosmos_url = *f.glycosmos_url;
    if (f.glygen_url) cfg.sources.glytoucan.glygen_url = *f.glygen_url;
    try {
        if (!f.shard.empty()) cfg.shard = harvest::pipeline::parse_shard(f.shard);
        else if (auto from_env = harvest::pipeline::shard_from_environment([](const char* name) { return std::getenv(name); }, f.shards)) cfg.shard = *from_env;
    } catch (const harvest::failure& e) {
        std::cerr << "harvest: " << harvest::cli::describe(e.details()) << '\n';
        return harvest::cli::exit_code_for(e.details());
    }
    if (f.rate) cfg.http.rate = harvest::http::rate_limit{*f.rate, f.burst};
    else cfg.http.host_rates = source->default_rates();
    if (cfg.http.max_per_host == 0) cfg.http.host_connections = source->default_connections(); // --max-per-host overrides
    else cfg.http.remote_connections.reset();
    if (cfg.shard.n > 1) {
        // The fleet is as polite as one process, unless --rate says what each shard may take.
        const auto pace = f.rate ? std::string() : harvest::pipeline::share_politeness(cfg.shard.n, cfg.http.host_rates, cfg.http.host_connections);
        std::cerr << "harvest: shard " << cfg.shard.k << " of " << cfg.shard.n << " (" << cfg.shard.origin << "): "
                  << (f.rate ? "--rate as given, per shard" : pace.empty() ? "no default rates to divide" : pace + ", the polite rates divided by " + std::to_string(cfg.shard.n))
                  << '\n';
    }
    cfg.http.retry.budget = std::chrono::milliseconds(static_cast<std::int64_t>(f.retry_budget_s * 1000));
    if (f.timeout_s > 0) cfg.http.timeouts = harvest::http::phase_timeouts::uniform(std::chrono::milliseconds(static_cast<std::int64_t>(f.timeout_s * 1000)));
    cfg.http.body_limit = f.max_body_mb << 20;
    cfg.http.user_agent = f.user_agent;
    for (const auto& h : f.headers) {
        auto parsed = parse_header(h);
        if (!parsed) {
            std::cerr << "harvest: --header '" << harvest::http::redact_header(h)
                      << "': expected 'Name: value' (a header name, a colon, a value on one line)\n";
            return harvest::cli::exit_usage;
        }
        cfg.http.headers.push_back(std::move(*parsed));
    }
    if (!f.ca_file.empty()) cfg.http.ca_file = f.ca_file;
    cfg.drain_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(f.drain_timeout_s * 1000));
    try {
        cfg.http.proxy = harvest::http::proxy_settings::from_environment([](const char* name) { return std::getenv(name); });
    } catch (const std::invalid_argument& e) {
        std::cerr << "harvest: " << e.what() << '\n';
        return harvest::cli::exit_usage;
    }
    return harvest::cli::run_collect(cfg);
}

} // namespace

int main(int argc, char** argv) {
    // Past a file-size limit (ulimit -f) a write fails with EFBIG and is reported, instead of
    // SIGXFSZ killing the process mid-batch.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App app{"harvest: a fast, reliable async HTTP metadata harvester for ML datasets"};
    app.set_version_flag("--version", std::string("harvest ") + harvest::version);
    app.require_subcommand(1);
    collect_flags collect;
    add_collect(app, collect);
    export_flags export_options;
    add_export(app, export_options);
    tune_flags tune;
    add_tune(app, tune);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ConfigError& e) {
        // CLI11 words an unknown key as "INI was not able to parse collect.KEY".
        const std::string what = e.what();
        const auto at = what.find("collect.");
        if (at != std::string::npos)
            std::cerr << "harvest: --config: unknown key '" << what.substr(at + 8) << "' (expected a harvest collect flag without its dashes)\n";
        else
            std::cerr << "harvest: --config: " << what << '\n';
        return harvest::cli::exit_usage;
    } catch (const CLI::ParseError& e) {
        std::cerr << "harvest: " << harvest::cli::explain_parse_error(e.what()) << " (see harvest --help)\n";
        return harvest::cli::exit_usage;
    }
    if (app.got_subcommand("collect")) return finish_collect(collect, joined_command_line(argc, argv));
    if (app.got_subcommand("export")) return run_export(export_options, joined_command_line(argc, argv));
    if (app.got_subcommand("tune")) return finish_tune(tune, *app.get_subcommand("tune"));
    return harvest::cli::exit_usage;
}
