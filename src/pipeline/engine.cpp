#include <harvest/pipeline/engine.hpp>

#include <harvest/export/dataset_card.hpp>
#include <harvest/export/jsonl_file.hpp>
#include <harvest/export/sha256.hpp>
#include <harvest/http/redact.hpp>
#include <harvest/pipeline/scheduler.hpp>
#include <harvest/state/dataset_recovery.hpp>
#include <harvest/state/run_lock.hpp>
#include <harvest/state/state_store.hpp>
#include <harvest/version.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace harvest::pipeline {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Reads --ids lines ("-": stdin); blank lines and '#' comments are skipped, every other line
// must be a valid id for the source.
std::vector<sources::target> read_ids(const std::string& file, const sources::source& source, const std::string& setting = "ids") {
    std::ifstream in;
    if (file != "-") {
        std::error_code ec;
        if (fs::is_directory(file, ec))
            throw failure(errc::invalid_input, setting, file + ": is a directory; expected a file of ids, one per line");
        in.open(file);
        if (!in) throw failure(errc::invalid_input, setting, file + ": cannot read the file");
    }
    std::istream& s = file == "-" ? std::cin : in;
    std::vector<sources::target> out;
    std::size_t line_no = 0;
    for (std::string line; std::getline(s, line);) {
        ++line_no;
        if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3); // a UTF-8 byte order mark (Windows editors)
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.erase(0, 1);
        if (line.empty()) continue;
        try {
            out.push_back(source.parse_id(line));
        } catch (const std::invalid_argument& e) {
            throw failure(errc::invalid_input, setting, file + " line " + std::to_string(line_no) + ": " + e.what());
        }
    }
    return out;
}

// What a list of ids is, for the selection: its SHA-256, one id a line.
std::string ids_digest(const std::vector<sources::target>& ids) {
    exporting::sha256 digest;
    for (const auto& t : ids) digest.update(t.id + "\n");
    return digest.hex_digest();
}

class job {
public:
    job(const job_config& config, const logger& log, engine_hooks hooks)
        : config_(config), log_(log), hooks_(std::move(hooks)), descriptor_(sources::find_source(config.source)),
          client_(ioc_.get_executor(), config.http, log), signals_(ioc_, SIGINT, SIGTERM), drain_timer_(ioc_), progress_timer_(ioc_),
          work_(ioc_), wake_(ioc_, 1), commit_slots_(ioc_, config.commit_queue) {
        if (!descriptor_) throw failure(errc::invalid_input, "source", config.source + ": not a source harvest knows");
        source_ = descriptor_->make(client_, config.sources, log);
    }

    job_result run() {
        started_ = std::chrono::steady_clock::now();
        started_at_ = utc_now();
        std::vector<sources::target> ids;
        if (config_.ids_file) {
            ids = read_ids(*config_.ids_file, *source_);
            ids_sha256_ = ids_digest(ids);
        }
        std::vector<sources::target> excluded;
        if (config_.exclude_file) {
            if (*config_.exclude_file == "-" && config_.ids_file == "-")
                throw failure(errc::invalid_input, "exclude", "-: standard input is --ids already; give --exclude a file");
            excluded = read_ids(*config_.exclude_file, *source_, "exclude");
            exclude_sha256_ = ids_digest(excluded);
        }
        if (config_.out != "-") dataset_.emplace(config_.out, config_.shard.n > 1 ? config_.shard.suffix() : std::string());
        if (!config_.dry_run) {
            // Every path is checked before the first request: a typo is found now, not after the harvest.
            exporting::validate_output(config_.out, config_.shard_size, config_.splits);
            if (dataset_) dataset_->check();
            if (config_.state_file) exporting::validate_writable_file(*config_.state_file, "state");
            if (config_.summary_file) exporting::validate_writable_file(*config_.summary_file, "summary");
            if (config_.metrics_file) exporting::validate_writable_file(*config_.metrics_file, "metrics-file");
            if (dataset_) {
                failures_path_ = dataset_->failures();
                open_state();
            } else if (config_.resume || config_.incremental || config_.fresh || config_.state_file) {
                throw failure(errc::invalid_input, "out", "-: standard output keeps no state; resuming, incremental runs, fresh starts and a state file need a file output");
            }
            output_.emplace(dataset_ ? dataset_->data_path() : config_.out, config_.shard_size, config_.splits);
            committer_.emplace(committer_target{*output_, state_ ? &*state_ : nullptr, run_id_, config_.source, config_.format,
                                                  dataset_ ? dataset_->targets_log() : fs::path(),
                                                  [this](const std::string& name) { return dataset_->table(name); }}, hooks_.commit);
        } else {
            read_state_for_plan();
        }
        scheduler_.emplace(scheduler_options{config_.source, config_.target, config_.batch_size, state_.has_value(), mode_,
                                             descriptor_->discovers_targets(config_.sources), config_.dry_run ? 0 : source_->lookup_block(),
                                             config_.retry_failed, config_.format == convert::output_format::chat, config_.shard,
                                             source_->needs_every_record()},
                           std::move(known_), utc_now);
        scheduler_->resume_from_state([this](const std::string& id) -> std::optional<sources::target> {
            try {
                return source_->parse_id(id);
            } catch (const std::invalid_argument&) {
                return std::nullopt;
            }
        });
        scheduler_->exclude(excluded);
        if (config_.ids_file) scheduler_->add_ids(std::move(ids));

        watch_signals();
        auto main = config_.dry_run ? dry_run() : harvest();
        asio::co_spawn(ioc_, std::move(main), [this](std::exception_ptr e) {
            if (e) crashed_ = e;
            signals_.cancel();
            drain_timer_.cancel();
        });
        ioc_.run();
        if (crashed_) std::rethrow_exception(crashed_);
        if (committer_) {
            if (auto e = committer_->finish()) throw failure(*e);
        }
        return config_.dry_run ? dry_run_result() : finish();
    }

private:
    fs::path state_path() const { return config_.state_file ? fs::path(*config_.state_file) : dataset_->state(); }

    // Earlier runs that wrote nothing (a typo in a URL, a server that was down) leave nothing to
    // keep: a plain rerun starts over instead of asking for --fresh.
    bool wrote_nothing_before() const {
        return !config_.resume && !config_.incremental && !state_->runs().empty() && state_->shards().empty();
    }

    // The flags against what the open state holds; sets the run's mode.
    void check_dataset(const fs::path& path) {
        const auto runs = state_->runs();
        if (!runs.empty() && !config_.resume && !config_.incremental)
            throw failure(errc::dataset_exists, "out", config_.out + ": the dataset has state from " + std::to_string(runs.size()) +
                                                        " earlier run(s) in " + path.string());
        if (auto held = state_->source(); held && *held != config_.source)
            throw failure(errc::invalid_input, "state", path.string() + ": holds a " + *held + " dataset, not " + config_.source +
                                                     " (use another output or state file)");
        // Every line of a dataset has one format and one record schema: a run never mixes them.
        if (auto shape = state_->shape()) {
            const std::string format(convert::to_string(config_.format));
            if (shape->format != format)
                throw failure(errc::invalid_input, "format", format + ": the dataset " + config_.out + " holds " + shape->format +
                                                             " records; a run cannot mix formats (use --fresh to rewrite it, or another --out)");
            if (shape->record_schema != convert::schema_version)
                throw failure(errc::invalid_input, "out", config_.out + ": the dataset holds records of schema " + std::to_string(shape->record_schema) +
                                                          "; this harvest writes schema " + std::to_string(convert::schema_version) +
                                                          " (use --fresh to rewrite it, or another --out)");
        }
        // ... and one compression: --out pypi.jsonl.gz names the directory of pypi.jsonl too.
        const auto compression = *exporting::compression_for(config_.out);
        const auto stem = dataset_->root().filename().string();
        for (const auto& shard : state_->shards())
            if (!exporting::parse_output_name(stem, compression, shard.name))
                throw failure(errc::invalid_input, "out", config_.out + ": the dataset " + dataset_->root().string() + "/ holds " + shard.name +
                                                          "; this run would write " + std::string(exporting::extension(compression)) +
                                                          " files beside it (a dataset keeps one compression: give --out its own, or use --fresh)");
        mode_ = runs.empty() ? state::run_mode::first : config_.resume ? state::run_mode::resume : state::run_mode::incremental;
    }

    void check_mode_flags() const {
        if (int{config_.resume} + int{config_.incremental} + int{config_.fresh} > 1)
            throw failure(errc::invalid_input, "resume, incremental and fresh exclude each other (pick one)");
    }

    // --dry-run: the plan a real run would follow, read from the state under its lock; nothing
    // is written, repaired or discarded.
    void read_state_for_plan() {
        check_mode_flags();
        const auto path = state_path();
        if (!dataset_ || config_.fresh) return;
        refuse_old_layout();
        if (!fs::exists(path)) return;
        lock_.emplace(fs::path(path.string() + ".lock"), started_at_);
        state_.emplace(path);
        if (wrote_nothing_before()) {
            state_.reset(); // a real run would start over: everything is fetched
            return;
        }
        check_dataset(path);
        known_ = state_->targets(config_.source);
    }

    // Takes the run lock, then opens (or with --fresh, first discards) the dataset's state and
    // repairs what a crashed run left behind. Nothing is touched before the lock is held.
    void open_state() {
        check_mode_flags();
        const auto path = state_path();
        if (config_.fresh && fs::exists(dataset_->old_layout_state())) {
            const auto old = dataset_->old_layout_state();
            const state::run_lock old_lock(fs::path(old.string() + ".lock"), started_at_);
            discard_dataset(old, old.parent_path());
            fs::remove(old.string() + ".lock");
        }
        refuse_old_layout();
        dataset_->create();
        lock_.emplace(fs::path(path.string() + ".lock"), started_at_);
        if (config_.fresh && fs::exists(path)) discard_dataset(path, dataset_->root());
        state_.emplace(path);
        if (wrote_nothing_before()) {
            log_.info("the earlier run(s) in " + path.string() + " wrote no record: starting the dataset over", {{"state", path.string()}});
            state_.reset();
            discard_dataset(path, dataset_->root());
            state_.emplace(path);
        }
        check_dataset(path);

        const exporting::dataset_writer layout(dataset_->data_path(), config_.shard_size, config_.splits);
        const auto repaired = state::recover_dataset(*state_, layout.directory(), layout.stem(), layout.file_compression());
        if (repaired.completed + repaired.removed + repaired.lost > 0)
            log_.info("repaired the output of an interrupted run: " + std::to_string(repaired.completed) + " shard(s) completed, " +
                          std::to_string(repaired.removed) + " uncommitted temporary file(s) removed, " + std::to_string(repaired.lost) +
                          " missing shard(s) to fetch again",
                      {{"shards_completed", repaired.completed}, {"temporaries_removed", repaired.removed}, {"shards_lost", repaired.lost}});

        known_ = state_->targets(config_.source);
        selection_ = selection_json();
        if (const auto runs = state_->runs(); !runs.empty() && runs.back().selection != selection_)
            log_.info("the selection changed since the last run (was " + runs.back().selection + ", now " + selection_ +
                          "): targets new to it are fetched; records already written stay",
                      {{"previous_selection", runs.back().selection}, {"selection", selection_}});
        run_id_ = state_->begin_run(config_.source, config_.incremental ? "incremental" : config_.resume ? "resume" : "full", selection_,
                                    config_.command_line, started_at_,
                                    state::dataset_shape{std::string(convert::to_string(config_.format)), convert::schema_version});
    }

    // A dataset harvest wrote before one directory per dataset keeps its state beside the
    // output; its files are never mixed with a new-layout dataset of the same name.
    void refuse_old_layout() const {
        const auto old = dataset_->old_layout_state();
        if (fs::exists(old) && !fs::exists(state_path()))
            throw failure(errc::invalid_input, "out", config_.out + ": " + old.string() +
                                                      " is the state of a dataset in harvest's earlier layout (its files beside each other); "
                                                      "datasets now live in " + dataset_->root().string() +
                                                      "/: move the old files away, or use --fresh to delete them and start over");
    }

    // The committer appends a table's lines batch by batch (runs and resumed runs may decide a
    // line again, a crash may cut the last): at the end each complete line is kept once.
    void compact_table(const std::string& name) const {
        const auto path = dataset_->table(name);
        std::stringstream before;
        before << std::ifstream(path).rdbuf();
        const auto lines = before.str();
        std::string text;
        std::set<std::string_view> seen;
        for (std::size_t at = 0, end; (end = lines.find('\n', at)) != std::string::npos; at = end + 1) {
            const auto line = std::string_view(lines).substr(at, end - at);
            if (!line.empty() && seen.insert(line).second) (text += line) += '\n';
        }
        exporting::write_file_atomically(path, text);
    }

    // --fresh: the files the state at `path` lists as the dataset's (in `data_dir`), the
    // manifest, card, failures, per-target log, tables and the state.
    void discard_dataset(const fs::path& path, const fs::path& data_dir) {
        {
            const state::state_store old(path); // refuses a foreign file before anything is removed
            for (const auto& shard : old.shards()) {
                fs::remove(data_dir / shard.name);
                if (!shard.temp.empty()) fs::remove(shard.temp);
            }
        }
        for (const auto& file : {dataset_->manifest(), dataset_->card(), dataset_->failures(), dataset_->targets_log()}) fs::remove(file);
        for (const auto& table : dataset_->tables()) fs::remove_all(dataset_->root() / table);
        for (const auto& suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
    }

    std::string selection_json() const {
        std::string out;
        exporting::json_writer w(out);
        w.begin_object().key("source").value(config_.source);
        if (config_.ids_file) w.key("ids_sha256").value(ids_sha256_);
        if (config_.exclude_file) w.key("exclude_sha256").value(exclude_sha256_);
        source_->write_selection(w);
        w.end_object();
        return out;
    }

    // What chose the targets, for the manifest.
    std::string manifest_selection() const {
        std::string out;
        exporting::json_writer w(out);
        w.begin_object();
        if (config_.ids_file) w.key("ids_file").value(*config_.ids_file);
        if (config_.exclude_file) w.key("exclude_file").value(*config_.exclude_file);
        source_->write_selection(w);
        if (config_.target) w.key("target").value(static_cast<std::uint64_t>(*config_.target));
        w.end_object();
        return out;
    }

    // Stops handing out work; fetches in flight finish (or are cancelled by the caller).
    void stop() {
        scheduler_->stop();
        work_.cancel(); // the dispatcher's pending hand-over and idle workers
        wake_.try_send(error_code{});
    }

    void watch_signals() {
        signals_.async_wait([this](const error_code& ec, int) {
            if (ec) return;
            if (!interrupted_) {
                interrupted_ = true;
                if (hooks_.on_interrupt) hooks_.on_interrupt(client_.in_flight());
                stop();
                drain_timer_.expires_after(config_.drain_timeout);
                drain_timer_.async_wait([this](const error_code& e) {
                    if (!e) client_.cancel_all();
                });
                watch_signals();
            } else {
                client_.cancel_all();
            }
        });
    }

    void fail(error e) {
        if (fatal_ || interrupted_) return;
        e.message = http::redact_text(e.message);
        fatal_ = std::move(e);
        stop();
    }

    // One listing request; the scheduler asked for it.
    asio::awaitable<void> list_more() {
        std::vector<sources::target> listed;
        bool done = false;
        if (auto e = co_await source_->list(listed, done)) {
            scheduler_->listing_failed();
            fail(std::move(*e));
            co_return;
        }
        scheduler_->listed(std::move(listed), done);
    }

    // Hands targets to the workers, one at a time, as the scheduler's steps say.
    asio::awaitable<void> dispatch() {
        for (;;) {
            auto s = scheduler_->next();
            switch (s.kind) {
            case step_kind::fetch: {
                auto t = s.target; // the channel takes a copy: a cancelled hand-over leaves `s` intact
                auto [ec] = co_await work_.async_send(error_code{}, std::move(t), use_tuple);
                if (ec) scheduler_->unclaim(std::move(s.target));
                break;
            }
            case step_kind::list: co_await list_more(); break;
            case step_kind::look_up: co_await source_->look_up(std::move(s.block)); break;
            case step_kind::wait: co_await wake_.async_receive(use_tuple); break;
            case step_kind::finished: work_.close(); co_return;
            }
        }
    }

    asio::awaitable<void> worker() {
        for (;;) {
            auto [ec, t] = co_await work_.async_receive(use_tuple);
            if (ec) co_return;
            const auto began = std::chrono::steady_clock::now();
            auto outcome = co_await source_->fetch(t);
            const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
            auto full = scheduler_->complete(t, std::move(outcome), took);
            wake_.try_send(error_code{});
            if (full) co_await submit(with_tables(std::move(*full)));
        }
    }

    // The source's table lines so far go with the batch, to be appended after its commit (a
    // dataset only: with standard output they stay with the source, and the end says so).
    batch with_tables(batch b) {
        if (dataset_) b.tables = source_->tables();
        return b;
    }

    // Hands a batch to the committer's thread; waits while its queue is full (back-pressure).
    asio::awaitable<void> submit(batch b) {
        const auto waiting_since = std::chrono::steady_clock::now();
        co_await commit_slots_.async_send(error_code{}, use_tuple);
        commit_wait_ += std::chrono::steady_clock::now() - waiting_since;
        auto ex = ioc_.get_executor();
        committer_->submit(std::move(b), [this, ex](const std::optional<error>& e) {
            asio::post(ex, [this, e] {
                commit_slots_.try_receive([](error_code) {});
                if (e && !commit_failed_) { // the run ends with the committer's error (run() throws it)
                    commit_failed_ = true;
                    stop();
                    client_.cancel_all();
                }
            });
        });
    }

    asio::awaitable<void> harvest() {
        auto ex = co_await asio::this_coro::executor;
        auto progress = progress_loop();
        asio::co_spawn(ex, std::move(progress), asio::detached);
        using op = decltype(asio::co_spawn(ex, worker(), asio::deferred));
        std::vector<op> tasks;
        for (std::size_t i = 0; i < config_.http.workers; ++i) tasks.push_back(asio::co_spawn(ex, worker(), asio::deferred));
        auto workers = asio::experimental::make_parallel_group(std::move(tasks)).async_wait(asio::experimental::wait_for_all(), asio::deferred);
        auto dispatcher = asio::co_spawn(ex, dispatch(), asio::deferred);
        auto all = asio::experimental::make_parallel_group(std::move(dispatcher), std::move(workers))
                       .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
        auto [order, dispatch_error, worker_order, worker_errors] = co_await std::move(all);
        harvesting_ = false;
        progress_timer_.cancel();
        if (dispatch_error) std::rethrow_exception(dispatch_error);
        for (auto& e : worker_errors)
            if (e) std::rethrow_exception(e);
        if (!commit_failed_) co_await submit(with_tables(scheduler_->take_batch()));
    }

    asio::awaitable<void> progress_loop() {
        if (!hooks_.on_progress) co_return;
        while (harvesting_) {
            progress_timer_.expires_after(hooks_.progress_period);
            co_await progress_timer_.async_wait(use_tuple);
            if (!harvesting_) break;
            hooks_.on_progress(progress());
        }
    }

    progress_snapshot progress() const {
        progress_snapshot p;
        p.written = scheduler_->written();
        p.target = config_.target;
        const double elapsed = elapsed_seconds();
        p.records_per_second = elapsed > 0 ? static_cast<double>(p.written) / elapsed : 0.0;
        if (config_.target) p.left = *config_.target > p.written ? *config_.target - p.written : 0;
        else if (scheduler_->exhausted()) p.left = scheduler_->queued() + scheduler_->in_flight();
        p.in_flight = client_.in_flight();
        p.retries = client_.stats().retries;
        p.failures = scheduler_->failures().size();
        return p;
    }

    asio::awaitable<void> dry_run() {
        for (;;) {
            auto s = scheduler_->next();
            if (s.kind == step_kind::list) co_await list_more();
            else if (s.kind == step_kind::fetch) {
                if (hooks_.on_dry_run_target) hooks_.on_dry_run_target(s.target.id);
                scheduler_->count_dry(s.target);
            } else {
                co_return; // nothing is in flight in a dry run: wait means finished
            }
        }
    }

    job_result dry_run_result() const {
        job_result result;
        result.finish_reason = fatal_ ? "failed" : "complete";
        result.fatal = fatal_;
        using state::plan_kind;
        result.plan = run_plan{scheduler_->planned(plan_kind::fetch), scheduler_->planned(plan_kind::revalidate), scheduler_->planned(plan_kind::skip_done),
                               scheduler_->planned(plan_kind::skip_failed), scheduler_->planned(plan_kind::skip_unchanged), scheduler_->excluded(),
                               scheduler_->other_shards()};
        return result;
    }

    double elapsed_seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(); }

    std::string finish_reason() const {
        if (fatal_) return "failed";
        if (interrupted_) return "interrupted";
        if (scheduler_->target_reached()) return "target_reached";
        return "complete";
    }

    job_result finish() {
        job_result result;
        result.finish_reason = finish_reason();
        result.fatal = fatal_;
        result.failures_file = failures_path_ ? std::optional(failures_path_->string()) : std::nullopt;
        if (dataset_) result.dataset_directory = dataset_->root().string();
        auto& r = result.report;
        r.source = config_.source;
        r.finish_reason = result.finish_reason;
        r.unchanged = scheduler_->unchanged();
        r.incomplete = scheduler_->incomplete();
        r.failures = scheduler_->failures();
        r.requests = client_.stats();
        r.convert_write = committer_->busy();
        r.commit_wait = commit_wait_;
        const auto previous_metrics = [this] {
            std::ifstream in(*config_.metrics_file);
            std::stringstream text;
            text << in.rdbuf();
            return text.str();
        };
        const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
        if (fatal_ && output_->records() == 0) { // nothing harvested: leave no output behind, but tell the monitoring
            r.elapsed_seconds = elapsed_seconds();
            if (state_) state_->finish_run(run_id_, utc_now(), result.finish_reason, 0, r.unchanged, r.failures.size());
            if (config_.metrics_file) exporting::write_file_atomically(*config_.metrics_file, metrics_text(r, now, previous_metrics()));
            return result;
        }
        const auto completed = output_->commit();
        if (!state_)
            for (const auto& table : source_->tables())
                if (!table.lines.empty())
                    log_.warn("the " + table.name + " table is written only into a dataset directory (--out DIR/NAME.jsonl); standard output takes the records alone",
                              {{"table", table.name}});
        r.records = output_->records();
        r.bytes_written = output_->bytes();
        if (state_) {
            state_->record_complete(run_id_, completed);
            state_->finish_run(run_id_, utc_now(), result.finish_reason, r.records, r.unchanged, r.failures.size());
            const auto failed = state_->failures(config_.source);
            result.dataset_failures = failed.size();
            exporting::write_file_atomically(*failures_path_, failures_jsonl(failed, config_.source));
            exporting::manifest head;
            head.version = version;
            head.command_line = config_.command_line;
            head.source = config_.source;
            head.selection_json = manifest_selection();
            head.format = convert::to_string(config_.format);
            head.schema_version = convert::schema_version;
            head.started_at = started_at_;
            head.finished_at = utc_now();
            head.finish_reason = result.finish_reason;
            if (config_.shard.n > 1) head.shard = exporting::manifest_shard{config_.shard.k, config_.shard.n, exporting::sha256_hex(selection_)};
            for (const auto& table : dataset_->tables()) compact_table(table);
            const auto manifest = dataset_manifest(*state_, std::move(head));
            exporting::write_file_atomically(dataset_->manifest(), manifest.to_json());
            exporting::write_file_atomically(dataset_->card(), exporting::dataset_card(manifest, dataset_->root().filename().string(),
                                                                                        descriptor_->card_terms(),
                                                                                        dataset_->tables()));
        }
        r.elapsed_seconds = elapsed_seconds();
        if (config_.summary_file) exporting::write_file_atomically(*config_.summary_file, summary_json(r) + "\n");
        if (config_.metrics_file) exporting::write_file_atomically(*config_.metrics_file, metrics_text(r, now, previous_metrics()));
        result.report_written = true;
        return result;
    }

    const job_config& config_;
    const logger& log_;
    engine_hooks hooks_;
    const sources::source_descriptor* descriptor_;
    asio::io_context ioc_{1};
    http::client client_;
    std::unique_ptr<sources::source> source_;
    asio::signal_set signals_;
    asio::steady_timer drain_timer_;
    asio::steady_timer progress_timer_;
    asio::experimental::channel<void(error_code, sources::target)> work_; // unbuffered: a target waits for a free worker
    asio::experimental::channel<void(error_code)> wake_;                  // "something changed" for a waiting dispatcher
    asio::experimental::channel<void(error_code)> commit_slots_;          // one message per batch at the committer
    bool harvesting_ = true;
    bool interrupted_ = false;
    bool commit_failed_ = false;
    std::chrono::nanoseconds commit_wait_{0};
    std::optional<error> fatal_;
    std::exception_ptr crashed_;

    std::optional<scheduler> scheduler_;
    std::optional<state::run_lock> lock_;
    std::optional<state::state_store> state_;
    state::run_mode mode_ = state::run_mode::first;
    std::int64_t run_id_ = 0;
    std::unordered_map<std::string, state::target_state> known_;
    std::string selection_, ids_sha256_, exclude_sha256_;
    std::optional<exporting::dataset_directory> dataset_;
    std::optional<exporting::dataset_writer> output_;
    std::optional<committer> committer_;
    std::optional<fs::path> failures_path_;
    std::chrono::steady_clock::time_point started_;
    std::string started_at_;
};

} // namespace

job_result run_job(const job_config& config, const logger& log, engine_hooks hooks) {
    try {
        job j(config, log, std::move(hooks));
        return j.run();
    } catch (const failure&) {
        throw;
    } catch (const std::invalid_argument& e) {
        throw failure(errc::invalid_input, e.what());
    } catch (const state::lock_held& e) {
        throw failure(errc::dataset_locked, e.what());
    } catch (const std::runtime_error& e) {
        throw failure(errc::write_failed, e.what());
    }
}

} // namespace harvest::pipeline
