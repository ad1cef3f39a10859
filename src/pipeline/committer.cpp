#include <harvest/pipeline/committer.hpp>

#include <harvest/export/json_writer.hpp>

#include <fstream>

namespace harvest::pipeline {

namespace {

// One line per outcome: {"id","run","status","reason","attempts","bytes","ms"}.
std::string outcome_lines(const std::vector<target_outcome>& outcomes, const std::vector<std::size_t>& line_bytes, std::int64_t run) {
    std::string out;
    for (const auto& o : outcomes) {
        exporting::json_writer w(out);
        w.begin_object().key("id").value(o.id).key("run").value(run).key("status").value(o.status).key("reason").value(o.reason);
        w.key("attempts").value(o.attempts).key("bytes").value(static_cast<std::uint64_t>(o.record ? line_bytes.at(*o.record) : 0));
        w.key("ms").value(o.ms).end_object();
        out += '\n';
    }
    return out;
}

// A log or a table, not part of the durability protocol: appended after the commit, never fsynced.
void append_to(const std::filesystem::path& path, const std::string& text) {
    std::ofstream log(path, std::ios::app | std::ios::binary);
    log << text;
    log.flush();
    if (!log) throw std::runtime_error(path.string() + ": cannot append to it");
}

} // namespace

committer::committer(committer_target target, committer_hooks hooks) : target_(std::move(target)), hooks_(std::move(hooks)) {}

committer::~committer() { finish(); }

std::optional<error> committer::commit(batch b) {
    if (failed_) return failed_;
    if (b.empty()) return std::nullopt;
    const auto start = std::chrono::steady_clock::now();
    auto step = [this](commit_step s) {
        if (hooks_.at_step) hooks_.at_step(s);
    };
    try {
        auto& out = target_.output;
        std::vector<std::size_t> line_bytes(b.records.size());
        for (std::size_t i = 0; i < b.records.size(); ++i) {
            line_.clear();
            convert::convert_record(b.records[i], target_.format, line_);
            line_bytes[i] = line_.size();
            auto shard = out.add(b.records[i].id, line_);
            if (target_.state) {
                if (b.record_updates[i].content_hash.empty()) b.record_updates[i].content_hash = convert::content_hash(b.records[i]);
                b.record_updates[i].shard = std::move(shard);
                b.updates.push_back(std::move(b.record_updates[i]));
            }
        }
        step(commit_step::written);
        if (!target_.state) {
            out.flush();
            step(commit_step::synced);
        } else {
            // Lines durable first, then one transaction, then the rename: output and state agree
            // after a crash at any point.
            const auto progress = out.sync();
            step(commit_step::synced);
            target_.state->commit_batch(target_.run, target_.source, b.updates, b.discovered, progress);
            step(commit_step::committed);
            target_.state->record_complete(target_.run, out.seal_full());
            step(commit_step::sealed);
            if (!target_.targets_log.empty() && !b.outcomes.empty()) append_to(target_.targets_log, outcome_lines(b.outcomes, line_bytes, target_.run));
            for (const auto& table : b.tables) {
                if (table.lines.empty() || !target_.table_path) continue;
                const auto path = target_.table_path(table.name);
                std::filesystem::create_directories(path.parent_path());
                append_to(path, table.lines);
            }
        }
    } catch (const std::exception& e) {
        failed_ = error{make_error_code(errc::write_failed), e.what(), false, {}};
    }
    busy_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    return failed_;
}

void committer::submit(batch b, completion done) {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(std::move(b), std::move(done));
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake_.notify_one();
}

void committer::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return; // closing, and everything is committed
        auto [b, done] = std::move(queue_.front());
        queue_.pop_front();
        working_ = true;
        lock.unlock();
        const auto result = commit(std::move(b));
        if (done) done(result);
        lock.lock();
        working_ = false;
    }
}

std::optional<error> committer::finish() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
        wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    closing_ = false; // a later submit starts a new thread
    return failed_;
}

std::chrono::nanoseconds committer::busy() const { return std::chrono::nanoseconds(busy_ns_.load()); }

std::size_t committer::queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size() + (working_ ? 1 : 0);
}

} // namespace harvest::pipeline
