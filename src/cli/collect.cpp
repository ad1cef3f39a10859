#include <harvest/cli/collect.hpp>

#include <harvest/cli/exit_codes.hpp>
#include <harvest/error.hpp>
#include <harvest/export/json_writer.hpp>
#include <harvest/export/dataset_writer.hpp>
#include <harvest/export/jsonl_file.hpp>
#include <harvest/export/sha256.hpp>
#include <harvest/http/async_semaphore.hpp>
#include <harvest/http/client.hpp>
#include <harvest/http/redact.hpp>
#include <harvest/state/dataset_recovery.hpp>
#include <harvest/state/run_lock.hpp>
#include <harvest/state/state_store.hpp>
#include <harvest/state/target_plan.hpp>
#include <harvest/version.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <unordered_set>

#include <unistd.h>

namespace harvest::cli {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using exporting::json_writer;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Reads --ids lines ("-": stdin); blank lines and '#' comments are skipped, every other line
// must be a valid id for the source.
std::vector<sources::target> read_ids(const std::string& file, const sources::source& source) {
    std::ifstream in;
    if (file != "-") {
        in.open(file);
        if (!in) throw std::invalid_argument("--ids " + file + ": cannot read the file");
    }
    std::istream& s = file == "-" ? std::cin : in;
    std::vector<sources::target> out;
    std::size_t line_no = 0;
    for (std::string line; std::getline(s, line);) {
        ++line_no;
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.erase(0, 1);
        if (line.empty()) continue;
        try {
            out.push_back(source.parse_id(line));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("--ids " + file + " line " + std::to_string(line_no) + ": " + e.what());
        }
    }
    return out;
}

std::unique_ptr<sources::source> make_source(const collect_config& config, http::client& client) {
    if (config.source == "pypi") return std::make_unique<sources::pypi_source>(client, config.pypi);
    return std::make_unique<sources::glytoucan_source>(client, config.glytoucan);
}

class collect_job {
public:
    collect_job(const collect_config& config, asio::io_context& ioc)
        : config_(config), ioc_(ioc), client_(ioc.get_executor(), config.http), source_(make_source(config, client_)),
          list_mutex_(ioc.get_executor(), 1), signals_(ioc, SIGINT, SIGTERM), drain_timer_(ioc),
          more_work_(ioc, asio::steady_timer::time_point::max()) {}

    int run() {
        started_ = std::chrono::steady_clock::now();
        started_at_ = utc_now();
        if (config_.ids_file) {
            exporting::sha256 ids_digest;
            for (auto& t : read_ids(*config_.ids_file, *source_)) {
                ids_digest.update(t.version ? t.id + "==" + *t.version + "\n" : t.id + "\n");
                queue_.push_back(std::move(t));
            }
            ids_sha256_ = ids_digest.hex_digest();
            exhausted_ = true;
        }
        if (!config_.dry_run) {
            exporting::validate_output(config_.out, config_.shard_size, config_.splits);
            if (config_.out != "-") {
                failures_path_ = sibling("failures.jsonl");
                open_state();
            } else if (config_.resume || config_.incremental || config_.fresh || config_.state_file) {
                throw std::invalid_argument("--out -: standard output keeps no state; --resume, --incremental, --fresh and --state need a file output");
            }
            output_.emplace(config_.out, config_.shard_size, config_.splits);
        }

        watch_signals();
        auto main = config_.dry_run ? dry_run() : harvest();
        asio::co_spawn(ioc_, std::move(main), [this](std::exception_ptr e) {
            if (e) failure_ = e;
            signals_.cancel();
            drain_timer_.cancel();
            more_work_.cancel();
        });
        ioc_.run();
        if (failure_) std::rethrow_exception(failure_);
        if (config_.dry_run) return fatal_ ? report_fatal() : exit_ok;
        return finish();
    }

private:
    fs::path sibling(const std::string& name) const {
        return fs::path(config_.out).parent_path() / name;
    }

    // Takes the run lock, then opens (or with --fresh, first discards) the dataset's state and
    // repairs what a crashed run left behind. Nothing is touched before the lock is held.
    void open_state() {
        if (int{config_.resume} + int{config_.incremental} + int{config_.fresh} > 1)
            throw std::invalid_argument("--resume, --incremental and --fresh exclude each other (pick one)");
        const fs::path path = config_.state_file ? fs::path(*config_.state_file) : fs::path(config_.out + ".state.sqlite");
        lock_.emplace(fs::path(path.string() + ".lock"), started_at_);
        if (config_.fresh && fs::exists(path)) discard_dataset(path);
        state_.emplace(path);
        const auto runs = state_->runs();
        if (!runs.empty() && !config_.resume && !config_.incremental)
            throw std::invalid_argument("--out " + config_.out + ": the dataset has state from " + std::to_string(runs.size()) +
                                        " earlier run(s) in " + path.string() +
                                        "; use --resume to continue it, --incremental to update it, or --fresh to start over");
        if (auto held = state_->source(); held && *held != config_.source)
            throw std::invalid_argument("--state " + path.string() + ": holds a " + *held + " dataset, not " + config_.source +
                                        " (use another --out or --state)");
        mode_ = runs.empty() ? state::run_mode::first : config_.resume ? state::run_mode::resume : state::run_mode::incremental;

        const exporting::dataset_writer layout(config_.out, config_.shard_size, config_.splits);
        const auto repaired = state::recover_dataset(*state_, layout.directory(), layout.stem(), layout.file_compression());
        if (repaired.completed + repaired.removed + repaired.lost > 0)
            log_info("repaired the output of an interrupted run: " + std::to_string(repaired.completed) + " shard(s) completed, " +
                     std::to_string(repaired.removed) + " uncommitted temporary file(s) removed, " + std::to_string(repaired.lost) +
                     " missing shard(s) to fetch again");

        known_ = state_->targets(config_.source);
        selection_ = selection_json();
        if (!runs.empty() && runs.back().selection != selection_)
            log_info("the selection changed since the last run (was " + runs.back().selection + ", now " + selection_ +
                     "): targets new to it are fetched; records already written stay");
        run_id_ = state_->begin_run(config_.source, config_.incremental ? "incremental" : config_.resume ? "resume" : "full",
                                    selection_, config_.command_line, started_at_);
        if (mode_ == state::run_mode::first) return;
        // Targets an earlier run found but did not finish (discovered dependencies, transient
        // failures) come first; the enumeration or --ids file supplies the rest.
        for (const auto& [id, known] : known_) {
            const auto plan = state::plan_target(&known, std::nullopt, mode_);
            if (known.status == state::target_status::done) {
                if (mode_ == state::run_mode::resume) ++accepted_; // counts towards --target
                continue;
            }
            if (plan.kind != state::plan_kind::fetch) continue;
            try {
                queue_.push_back(source_->parse_id(id));
            } catch (const std::invalid_argument&) {
                // Not a valid id for this source any more: it stays in failures.jsonl if it failed.
            }
        }
    }

    // --fresh: the files the state lists as the dataset's, the manifest, failures and the state.
    void discard_dataset(const fs::path& path) {
        {
            const state::state_store old(path); // refuses a foreign file before anything is removed
            for (const auto& shard : old.shards()) {
                fs::remove(fs::path(config_.out).parent_path() / shard.name);
                if (!shard.temp.empty()) fs::remove(shard.temp);
            }
        }
        for (const auto& name : {"manifest.json", "failures.jsonl"}) fs::remove(sibling(name));
        for (const auto& suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
    }

    const state::target_state* known(const std::string& id) const {
        auto it = known_.find(id);
        return it == known_.end() ? nullptr : &it->second;
    }

    std::string selection_json() const {
        std::string out;
        json_writer w(out);
        w.begin_object().key("source").value(config_.source);
        if (config_.ids_file) w.key("ids_sha256").value(ids_sha256_);
        source_->write_selection(w);
        w.end_object();
        return out;
    }

    void watch_signals() {
        signals_.async_wait([this](const boost::system::error_code& ec, int) {
            if (ec) return;
            if (!stopping_) {
                stopping_ = true;
                std::cerr << "harvest: interrupted; finishing " << in_progress_ << " requests in flight (at most "
                          << config_.drain_timeout.count() / 1000.0 << " s; interrupt again to stop now)\n";
                drain_timer_.expires_after(config_.drain_timeout);
                drain_timer_.async_wait([this](const boost::system::error_code& e) {
                    if (!e) client_.cancel_all();
                });
                watch_signals();
            } else {
                client_.cancel_all();
            }
        });
    }

    bool target_reached() const { return config_.target && accepted_ + in_progress_ >= *config_.target; }

    asio::awaitable<std::optional<sources::target>> next_target() {
        for (;;) {
            if (!queue_.empty()) {
                auto t = std::move(queue_.front());
                queue_.pop_front();
                co_return t;
            }
            if (stopping_ || fatal_) co_return std::nullopt;
            if (exhausted_) {
                // Fetches still in flight may discover more targets (--follow-deps): wait for them.
                if (!config_.pypi.follow_deps || in_progress_ == 0) co_return std::nullopt;
                co_await more_work_.async_wait(use_tuple);
                continue;
            }
            if (!co_await list_mutex_.acquire()) co_return std::nullopt;
            struct unlock {
                http::async_semaphore& m;
                ~unlock() { m.release(); }
            } guard{list_mutex_};
            if (!queue_.empty() || exhausted_) continue; // another worker listed meanwhile
            std::vector<sources::target> listed;
            bool done = false;
            auto error = co_await source_->list(listed, done);
            if (!error.empty()) {
                if (!stopping_) fatal_ = http::redact_text(error);
                exhausted_ = true;
                continue;
            }
            exhausted_ = done;
            for (auto& t : listed) queue_.push_back(std::move(t));
        }
    }

    // Wakes workers waiting in next_target() for discovered targets.
    void notify_more_work() {
        more_work_.cancel();
        more_work_.expires_at(asio::steady_timer::time_point::max());
    }

    asio::awaitable<void> worker() {
        while (!stopping_ && !target_reached() && !fatal_) {
            auto t = co_await next_target();
            if (!t) co_return;
            if (stopping_ || target_reached()) {
                queue_.push_front(std::move(*t));
                co_return;
            }
            const auto claim = t->version ? t->id + "==" + *t->version : t->id;
            if (!claimed_.insert(claim).second) continue; // listed twice: harvested once
            if (state_) {
                const auto plan = state::plan_target(known(claim), t->serial, mode_);
                if (plan.kind == state::plan_kind::skip_unchanged) ++unchanged_;
                if (plan.kind != state::plan_kind::fetch && plan.kind != state::plan_kind::revalidate) continue;
                t->etag = plan.etag;
            }
            ++in_progress_;
            auto outcome = co_await source_->fetch(*t);
            --in_progress_;
            if (auto* got = std::get_if<sources::fetched>(&outcome)) {
                for (auto& id : got->discovered) {
                    if (claimed_.contains(id)) continue;
                    if (state_) discovered_.push_back(id);
                    queue_.push_back(sources::target{std::move(id), std::nullopt, std::nullopt, std::nullopt, false, {}});
                }
                accept(claim, *t, std::move(*got));
            } else if (auto* same = std::get_if<sources::not_modified>(&outcome)) {
                ++unchanged_;
                if (state_) updates_.push_back(done_update(same->id, same->etag, t->serial, {}));
            } else {
                auto& failure = std::get<sources::target_failure>(outcome);
                failure.url = http::redact_url(failure.url);
                failure.reason = http::redact_text(failure.reason);
                if (!(stopping_ && failure.reason.ends_with(": cancelled"))) { // else left for a later run
                    if (state_)
                        updates_.push_back({failure.id, state::target_status::failed, failure.permanent, failure.attempts, failure.last_status,
                                            failure.url, failure.reason, {}, {}, {}, {}});
                    failures_.push_back(std::move(failure));
                }
            }
            if (batch_.size() + updates_.size() >= config_.batch_size) flush_batch();
            notify_more_work();
        }
    }

    static state::target_update done_update(std::string id, std::string etag, std::optional<std::uint64_t> serial, std::string content_hash) {
        state::target_update u;
        u.id = std::move(id);
        u.attempts = 1;
        u.last_status = 200;
        u.etag = std::move(etag);
        u.last_serial = serial;
        u.content_hash = std::move(content_hash);
        return u;
    }

    // A fetched record joins the batch, unless it is already in the output: a renamed project
    // written under its new name, or (--incremental) a record whose content has not changed.
    void accept(const std::string& claim, const sources::target& t, sources::fetched got) {
        if (!written_ids_.insert(got.id).second) return;
        convert::training_record item{got.id, std::string(source_->name()), {}, std::move(got.record)};
        state::target_update update;
        if (state_) {
            std::string canonical; // the record without its fetch time: what "changed" means
            convert::convert_record(item, convert::output_format::raw, canonical);
            auto serial = t.serial;
            if (const auto* package = std::get_if<sources::pypi_record>(&item.record); package && package->last_serial)
                serial = package->last_serial;
            update = done_update(item.id, got.etag, serial, exporting::sha256_hex(canonical));
            if (claim != item.id) updates_.push_back(done_update(claim, {}, serial, update.content_hash));
            const auto* before = known(item.id);
            const bool in_output = before && before->status == state::target_status::done;
            if (in_output && (mode_ == state::run_mode::resume || before->content_hash == update.content_hash)) {
                if (mode_ == state::run_mode::incremental) ++unchanged_;
                updates_.push_back(std::move(update)); // keeps its shard; validators refreshed
                return;
            }
        }
        item.fetched_at = utc_now();
        ++accepted_;
        batch_.push_back(std::move(item));
        batch_updates_.push_back(std::move(update));
    }

    asio::awaitable<void> harvest() {
        auto ex = ioc_.get_executor();
        std::size_t running = config_.http.workers;
        asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
        for (std::size_t i = 0; i < config_.http.workers; ++i) {
            auto task = worker();
            asio::co_spawn(ex, std::move(task), [&](std::exception_ptr e) {
                if (e && !failure_) failure_ = e;
                if (--running == 0) all_done.cancel();
            });
        }
        progress_timer_.emplace(ex);
        auto progress = progress_loop();
        asio::co_spawn(ex, std::move(progress), asio::detached);
        co_await all_done.async_wait(use_tuple);
        harvesting_ = false;
        progress_timer_->cancel();
        flush_batch();
        if (progress_on_tty_) std::fputs("\r\x1b[K", stderr); // clear the bar before the summary
    }

    // The progress display: a bar redrawn on a terminal, else a log line every 10 s.
    asio::awaitable<void> progress_loop() {
        const bool tty = ::isatty(STDERR_FILENO) != 0;
        if (config_.progress == "never" || (config_.progress == "auto" && !tty && config_.log_level == "error")) co_return;
        progress_on_tty_ = tty && config_.progress != "never";
        const auto period = progress_on_tty_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(config_.log_interval);
        while (harvesting_) {
            progress_timer_->expires_after(period);
            co_await progress_timer_->async_wait(use_tuple);
            if (!harvesting_) break;
            const auto line = progress_text();
            if (progress_on_tty_) std::fprintf(stderr, "\r\x1b[K%s%s", progress_bar().c_str(), line.c_str());
            else log_info(line);
            std::fflush(stderr);
        }
    }

    // "[#######             ] " when the target is known.
    std::string progress_bar() const {
        if (!config_.target || *config_.target == 0) return {};
        constexpr std::size_t width = 20;
        const std::size_t filled = std::min(width, accepted_ * width / *config_.target);
        return "[" + std::string(filled, '#') + std::string(width - filled, ' ') + "] ";
    }

    std::string progress_text() const {
        const double elapsed = elapsed_seconds();
        const double rate = elapsed > 0 ? static_cast<double>(accepted_) / elapsed : 0.0;
        std::string eta = "?";
        std::optional<std::size_t> left;
        if (config_.target) left = *config_.target > accepted_ ? *config_.target - accepted_ : 0;
        else if (exhausted_) left = queue_.size() + in_progress_;
        if (left && rate > 0) eta = std::to_string(static_cast<long long>(static_cast<double>(*left) / rate + 0.5)) + " s";
        std::string of_target;
        if (config_.target) {
            of_target = "/"; // appended: g++ 12 warns falsely (-Wrestrict) on "/" + string
            of_target += std::to_string(*config_.target);
        }
        char buf[256];
        std::snprintf(buf, sizeof buf, "%zu%s records, %.1f/s, %zu in flight, %llu retries, %zu failures, ETA %s", accepted_,
                      of_target.c_str(), rate, client_.in_flight(),
                      static_cast<unsigned long long>(client_.stats().retries), failures_.size(), eta.c_str());
        return buf;
    }

    // One line on stderr, as text or JSON (--log-format), unless --log-level hides info.
    void log_info(const std::string& message) const {
        if (config_.log_level == "error" || config_.log_level == "warn") return;
        if (config_.log_format == "json") {
            std::string line;
            json_writer w(line);
            w.begin_object().key("time").value(utc_now()).key("level").value("info").key("message").value(message).end_object();
            std::fprintf(stderr, "%s\n", line.c_str());
        } else {
            std::fprintf(stderr, "%s harvest: %s\n", utc_now().c_str(), message.c_str());
        }
    }

    asio::awaitable<void> dry_run() {
        std::size_t printed = 0;
        while (!config_.target || printed < *config_.target) {
            auto t = co_await next_target();
            if (!t) break;
            if (!claimed_.insert(t->id).second) continue;
            std::cout << t->id << '\n';
            ++printed;
        }
        std::cout.flush();
    }

    // Converts the batch and hands it to the writer as one unit. With a state, the batch's lines
    // are made durable first, then its target changes are committed in one transaction, then the
    // shards it filled are renamed into place: output and state agree after a crash at any point.
    void flush_batch() {
        if (batch_.empty() && updates_.empty()) return;
        struct timed { // converting and writing, for the summary's time split
            std::chrono::nanoseconds& total;
            std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
            ~timed() { total += std::chrono::steady_clock::now() - start; }
        } timer{convert_write_};
        std::string line;
        for (std::size_t i = 0; i < batch_.size(); ++i) {
            line.clear();
            convert::convert_record(batch_[i], config_.format, line);
            auto shard = output_->add(batch_[i].id, line);
            if (state_) {
                batch_updates_[i].shard = std::move(shard);
                updates_.push_back(std::move(batch_updates_[i]));
            }
        }
        batch_.clear();
        batch_updates_.clear();
        if (!state_) {
            output_->flush();
            return;
        }
        const auto progress = output_->sync();
        state_->commit_batch(run_id_, config_.source, updates_, discovered_, progress);
        updates_.clear();
        discovered_.clear();
        state_->record_complete(run_id_, output_->seal_full());
    }

    int report_fatal() {
        std::cerr << "harvest: " << *fatal_ << '\n';
        return exit_fatal;
    }

    std::string finish_reason() const {
        if (fatal_) return "failed";
        if (stopping_) return "interrupted";
        if (config_.target && accepted_ >= *config_.target) return "target_reached";
        return "complete";
    }

    int finish() {
        const auto reason = finish_reason();
        if (fatal_ && output_->records() == 0) { // nothing harvested: leave no output behind, but tell the monitoring
            if (state_) state_->finish_run(run_id_, utc_now(), reason, 0, unchanged_, failures_.size());
            if (config_.metrics_file) exporting::write_file_atomically(*config_.metrics_file, metrics_text(reason));
            return report_fatal();
        }
        const auto completed = output_->commit();
        if (state_) {
            state_->record_complete(run_id_, completed);
            state_->finish_run(run_id_, utc_now(), reason, output_->records(), unchanged_, failures_.size());
            exporting::write_file_atomically(*failures_path_, failures_jsonl());
            exporting::write_file_atomically(sibling("manifest.json"), manifest(reason));
        }
        const auto summary = summary_json(reason);
        if (config_.summary_file) exporting::write_file_atomically(*config_.summary_file, summary + "\n");
        if (config_.metrics_file) exporting::write_file_atomically(*config_.metrics_file, metrics_text(reason));
        print_summary(reason);
        if (fatal_) return report_fatal();
        if (reason == "interrupted") return exit_interrupted;
        return failures_.empty() ? exit_ok : exit_failures;
    }

    // Every target of the dataset that is failed now, whichever run tried it last.
    std::string failures_jsonl() const {
        std::string out;
        for (const auto& f : state_->failures(config_.source)) {
            json_writer w(out);
            w.begin_object().key("id").value(f.id).key("source").value(config_.source).key("url").value(f.url)
                .key("last_status").value(static_cast<std::uint64_t>(f.last_status)).key("reason").value(f.reason)
                .key("attempts").value(f.attempts).end_object();
            out += '\n';
        }
        return out;
    }

    void write_selection(json_writer& w) const {
        w.begin_object();
        if (config_.ids_file) w.key("ids_file").value(*config_.ids_file);
        source_->write_selection(w);
        if (config_.target) w.key("target").value(static_cast<std::uint64_t>(*config_.target));
        w.end_object();
    }

    // The dataset as the state knows it: every complete shard of every run (an incremental run
    // adds the records that changed; `harvest export --latest` compacts them) and the runs.
    std::string manifest(const std::string& reason) const {
        std::string out;
        json_writer w(out);
        w.begin_object();
        w.key("tool").value("harvest").key("version").value(version).key("command_line").value(config_.command_line);
        w.key("source").value(config_.source).key("selection");
        write_selection(w);
        w.key("format").value(config_.format == convert::output_format::raw ? "raw" : config_.format == convert::output_format::text ? "text" : "chat");
        w.key("schema_version").value(convert::schema_version);
        w.key("started_at").value(started_at_).key("finished_at").value(utc_now()).key("finish_reason").value(reason);
        std::uint64_t records = 0;
        std::map<std::string, std::uint64_t> splits;
        w.key("files").begin_array();
        for (const auto& f : state_->shards()) {
            if (!f.complete) continue;
            w.begin_object().key("path").value(f.name).key("run").value(static_cast<std::uint64_t>(f.run)).key("split").value(f.split)
                .key("records").value(f.records).key("bytes").value(f.bytes).key("sha256").value(f.sha256).end_object();
            records += f.records;
            splits[f.split] += f.records;
        }
        w.end_array();
        w.key("splits").begin_object();
        for (const auto& [split, n] : splits) w.key(split).value(n);
        w.end_object();
        w.key("runs").begin_array();
        for (const auto& r : state_->runs()) {
            w.begin_object().key("run").value(static_cast<std::uint64_t>(r.run)).key("mode").value(r.mode).key("started_at").value(r.started_at)
                .key("finished_at").value(r.finished_at).key("finish_reason").value(r.finish_reason.empty() ? "crashed" : r.finish_reason)
                .key("records").value(r.records).key("unchanged").value(r.unchanged).key("failures").value(r.failures).end_object();
        }
        w.end_array();
        w.key("records").value(records).key("failures").value(static_cast<std::uint64_t>(state_->failures(config_.source).size()));
        w.end_object();
        return out + "\n";
    }

    // Prometheus text exposition format, for node_exporter's textfile collector. The last
    // success time survives a failed run: it is carried over from the previous file.
    std::string metrics_text(const std::string& reason) const {
        const std::string labels = "source=\"" + config_.source + "\"";
        const auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
        std::string out;
        auto metric = [&](const std::string& name, const std::string& help, const std::string& extra_labels, double value) {
            if (out.find("# HELP " + name + " ") == std::string::npos)
                out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
            char number[64];
            std::snprintf(number, sizeof number, "%.17g", value);
            out += name + "{" + labels + extra_labels + "} " + number + "\n";
        };
        metric("harvest_records_written", "Records written by the last run.", "", static_cast<double>(output_->records()));
        metric("harvest_failures", "Targets that failed permanently in the last run.", "", static_cast<double>(failures_.size()));
        for (const auto& [status, n] : client_.stats().by_status)
            metric("harvest_requests", "Responses in the last run, by HTTP status.", ",status=\"" + std::to_string(status) + "\"", static_cast<double>(n));
        metric("harvest_retries", "Retries in the last run.", "", static_cast<double>(client_.stats().retries));
        metric("harvest_run_duration_seconds", "Duration of the last run.", "", elapsed_seconds());
        metric("harvest_run_finished_timestamp_seconds", "When the last run finished, by finish reason.", ",reason=\"" + reason + "\"", now);
        std::optional<std::string> last_success;
        if (reason == "complete" || reason == "target_reached") {
            char number[64];
            std::snprintf(number, sizeof number, "%.17g", now);
            last_success = number;
        } else {
            std::ifstream previous(*config_.metrics_file);
            const std::string prefix = "harvest_last_success_timestamp_seconds{" + labels + "} ";
            for (std::string line; std::getline(previous, line);)
                if (line.starts_with(prefix)) last_success = line.substr(prefix.size());
        }
        if (last_success)
            out += "# HELP harvest_last_success_timestamp_seconds When a run last finished complete or with its target reached.\n"
                   "# TYPE harvest_last_success_timestamp_seconds gauge\n"
                   "harvest_last_success_timestamp_seconds{" + labels + "} " + *last_success + "\n";
        return out;
    }

    double elapsed_seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(); }

    std::string summary_json(const std::string& reason) const {
        const auto& s = client_.stats();
        std::string out;
        json_writer w(out);
        w.begin_object().key("finish_reason").value(reason).key("records").value(output_->records())
            .key("failures").value(static_cast<std::uint64_t>(failures_.size()));
        std::map<std::string, std::uint64_t> by_reason;
        for (const auto& f : failures_) ++by_reason[f.reason];
        w.key("failures_by_reason").begin_object();
        for (const auto& [k, v] : by_reason) w.key(k).value(v);
        w.end_object();
        w.key("unchanged").value(static_cast<std::uint64_t>(unchanged_));
        w.key("requests").value(s.attempts).key("retries").value(s.retries);
        w.key("requests_by_status").begin_object();
        for (const auto& [status, n] : s.by_status) w.key(std::to_string(status)).value(n);
        w.end_object();
        w.key("bytes_received").value(s.bytes).key("bytes_written").value(output_->bytes());
        auto ms = [](std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1000.0; };
        w.key("latency_ms").begin_object().key("p50").value(ms(s.latency.percentile(0.50))).key("p95").value(ms(s.latency.percentile(0.95)))
            .key("p99").value(ms(s.latency.percentile(0.99))).end_object();
        auto seconds = [](std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); };
        w.key("time_seconds").begin_object().key("limiter_wait").value(seconds(s.limiter_wait)).key("network").value(seconds(s.network))
            .key("convert_write").value(seconds(convert_write_)).end_object();
        const double elapsed = elapsed_seconds();
        w.key("elapsed_seconds").value(elapsed).key("records_per_second").value(elapsed > 0 ? static_cast<double>(output_->records()) / elapsed : 0.0);
        w.end_object();
        return out;
    }

    void print_summary(const std::string& reason) const {
        const auto& s = client_.stats();
        const double elapsed = elapsed_seconds();
        std::string statuses;
        for (const auto& [status, n] : s.by_status) statuses += (statuses.empty() ? "" : ", ") + std::to_string(status) + ": " + std::to_string(n);
        std::fprintf(stderr,
                     "harvest collect: %s\n"
                     "  records written   %llu  (%s)\n"
                     "  unchanged         %zu\n"
                     "  failures          %zu%s\n"
                     "  requests          %llu  (%s)\n"
                     "  retries           %llu\n"
                     "  bytes received    %.1f MB\n"
                     "  elapsed           %.2f s\n"
                     "  rate              %.1f records/s\n",
                     reason.c_str(), static_cast<unsigned long long>(output_->records()),
                     config_.out == "-" ? "standard output" : config_.out.c_str(), unchanged_, failures_.size(),
                     failures_.empty() || !failures_path_ ? "" : ("  (" + failures_path_->string() + ")").c_str(),
                     static_cast<unsigned long long>(s.attempts), statuses.c_str(), static_cast<unsigned long long>(s.retries),
                     static_cast<double>(s.bytes) / 1e6, elapsed, elapsed > 0 ? static_cast<double>(output_->records()) / elapsed : 0.0);
        std::map<std::string, std::size_t> by_reason;
        for (const auto& f : failures_) ++by_reason[f.reason.substr(0, 120)];
        for (const auto& [reason, n] : by_reason) std::fprintf(stderr, "  %6zu × %s\n", n, reason.c_str());
    }

    const collect_config& config_;
    asio::io_context& ioc_;
    http::client client_;
    std::unique_ptr<sources::source> source_;
    http::async_semaphore list_mutex_;
    asio::signal_set signals_;
    asio::steady_timer drain_timer_;
    asio::steady_timer more_work_;
    std::optional<asio::steady_timer> progress_timer_;
    bool harvesting_ = true;
    bool progress_on_tty_ = false;

    std::deque<sources::target> queue_;
    bool exhausted_ = false;
    std::unordered_set<std::string> claimed_;     // targets started (id, or id==version)
    std::unordered_set<std::string> written_ids_; // records accepted for the output
    std::size_t in_progress_ = 0;
    std::size_t accepted_ = 0;
    bool stopping_ = false;
    std::optional<std::string> fatal_;
    std::exception_ptr failure_;

    std::vector<convert::training_record> batch_;
    std::vector<state::target_update> batch_updates_; // one per batch_ record
    std::vector<state::target_update> updates_;       // ready for the next state commit
    std::vector<std::string> discovered_;             // --follow-deps targets, pending in the state
    std::size_t unchanged_ = 0;
    std::chrono::nanoseconds convert_write_{0};
    std::optional<state::run_lock> lock_;
    std::optional<state::state_store> state_;
    state::run_mode mode_ = state::run_mode::first;
    std::int64_t run_id_ = 0;
    std::unordered_map<std::string, state::target_state> known_;
    std::string selection_, ids_sha256_;
    std::optional<exporting::dataset_writer> output_;
    std::optional<fs::path> failures_path_;
    std::vector<sources::target_failure> failures_;
    std::chrono::steady_clock::time_point started_;
    std::string started_at_;
};

} // namespace

int run_collect(const collect_config& config) {
    // Start-up errors may quote a base URL: redacted like every other message.
    auto report = [](const std::exception& e, int code) {
        std::cerr << "harvest: " << http::redact_text(e.what()) << '\n';
        return code;
    };
    try {
        asio::io_context ioc(1);
        collect_job job(config, ioc);
        return job.run();
    } catch (const std::invalid_argument& e) {
        return report(e, exit_usage);
    } catch (const state::state_error& e) {
        return report(e, exit_usage);
    } catch (const state::lock_held& e) {
        return report(e, exit_locked);
    } catch (const std::exception& e) {
        return report(e, exit_fatal);
    }
}

} // namespace harvest::cli
