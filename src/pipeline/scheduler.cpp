#include <harvest/pipeline/scheduler.hpp>

#include <harvest/convert/converter.hpp>
#include <harvest/http/redact.hpp>

namespace harvest::pipeline {

namespace {

state::target_update done_update(std::string id, std::string etag, std::optional<std::uint64_t> revision, std::string content_hash,
                                 std::string incomplete = {}) {
    state::target_update u;
    u.incomplete = !incomplete.empty();
    u.reason = std::move(incomplete);
    u.id = std::move(id);
    u.attempts = 1;
    u.last_status = 200;
    u.etag = std::move(etag);
    u.last_serial = revision;
    u.content_hash = std::move(content_hash);
    return u;
}

} // namespace

scheduler::scheduler(scheduler_options options, std::unordered_map<std::string, state::target_state> known, clock now)
    : options_(std::move(options)), known_(std::move(known)), now_(std::move(now)) {}

void scheduler::resume_from_state(const std::function<std::optional<sources::target>(const std::string&)>& parse) {
    if (options_.mode == state::run_mode::first) return;
    for (const auto& [id, known] : known_) {
        if (known.status == state::target_status::done && !known.incomplete) {
            if (options_.mode == state::run_mode::resume) ++accepted_; // in the output: counts towards --target
            continue;
        }
        if (state::plan_target(&known, std::nullopt, options_.mode, options_.retry_failed).kind != state::plan_kind::fetch) continue;
        // A target the index tracks waits for the listing, which brings its serial: a permanent
        // failure is asked again only if it changed, a record written from a stale page only
        // with the serial to check the next page against.
        const bool failed_for_good = options_.mode == state::run_mode::incremental && known.status == state::target_status::failed &&
                                     known.permanent && !options_.retry_failed;
        const bool written_stale = known.status == state::target_status::done && known.incomplete; // --resume too: never taken as fresh
        if (known.last_serial && (failed_for_good || written_stale)) continue;
        // An id the source no longer accepts stays in failures.jsonl if it failed.
        if (auto t = parse(id)) enqueue(std::move(*t));
    }
}

void scheduler::enqueue(sources::target t) {
    if (!options_.shard.owns(t.id)) {
        ++other_shards_;
        return;
    }
    queue_.push_back(std::move(t));
}

void scheduler::add_ids(std::vector<sources::target> ids) {
    for (auto& t : ids) enqueue(std::move(t));
    exhausted_ = true;
}

void scheduler::exclude(const std::vector<sources::target>& ids) {
    for (const auto& t : ids) excluded_.insert(t.id);
}

void scheduler::listed(std::vector<sources::target> targets, bool done) {
    listing_ = false;
    exhausted_ = done;
    for (auto& t : targets) enqueue(std::move(t));
}

void scheduler::listing_failed() {
    listing_ = false;
    exhausted_ = true;
}

const state::target_state* scheduler::known(const std::string& id) const {
    auto it = known_.find(id);
    return it == known_.end() ? nullptr : &it->second;
}

bool scheduler::needs_lookup(const sources::target& t) const {
    return options_.lookup_block > 0 && !t.listed && !claimed_.contains(t.id) && !looked_up_.contains(t.id);
}

// The next queued targets that need a lookup, in queue order, up to a block.
step scheduler::lookup_step() {
    step s{step_kind::look_up, {}, {}};
    for (const auto& t : queue_) {
        if (s.block.size() == options_.lookup_block) break;
        if (!needs_lookup(t)) continue; // listed, handed out, or in a block already (a duplicate)
        looked_up_.insert(t.id);
        s.block.push_back(t);
    }
    return s;
}

step scheduler::next() {
    if (stopping_) return {step_kind::finished, {}, {}};
    if (target_covered()) return {in_progress_ > 0 ? step_kind::wait : step_kind::finished, {}, {}};
    while (!queue_.empty()) {
        if (needs_lookup(queue_.front())) return lookup_step();
        auto t = std::move(queue_.front());
        queue_.pop_front();
        if (!claimed_.insert(t.id).second) continue; // listed twice: harvested once
        if (excluded_.contains(t.id)) {
            ++excluded_count_;
            continue;
        }
        auto plan = options_.with_state ? state::plan_target(known(t.id), t.revision, options_.mode, options_.retry_failed) : state::target_plan{};
        using state::plan_kind;
        if (options_.needs_every_record &&
            (plan.kind == plan_kind::skip_done || plan.kind == plan_kind::skip_unchanged || plan.kind == plan_kind::revalidate ||
             plan.kind == plan_kind::skip_failed))
            plan = state::target_plan{plan_kind::fetch, {}};
        ++planned_[static_cast<std::size_t>(plan.kind)];
        if (plan.kind == state::plan_kind::skip_unchanged) ++unchanged_;
        if (plan.kind != state::plan_kind::fetch && plan.kind != state::plan_kind::revalidate) continue;
        t.etag = plan.etag;
        ++in_progress_;
        return {step_kind::fetch, std::move(t), {}};
    }
    if (!exhausted_) {
        if (listing_) return {step_kind::wait, {}, {}};
        listing_ = true;
        return {step_kind::list, {}, {}};
    }
    // Fetches still in flight may discover more targets (--follow-deps): wait for them.
    if (options_.discovers_targets && in_progress_ > 0) return {step_kind::wait, {}, {}};
    return {step_kind::finished, {}, {}};
}

void scheduler::unclaim(sources::target t) {
    --in_progress_;
    claimed_.erase(t.id);
    queue_.push_front(std::move(t));
}

void scheduler::count_dry(const sources::target&) {
    --in_progress_;
    ++accepted_;
}

std::optional<batch> scheduler::complete(const sources::target& t, sources::outcome outcome, std::chrono::milliseconds took) {
    --in_progress_;
    target_outcome logged{t.id, {}, {}, 0, static_cast<std::uint64_t>(took.count()), {}};
    if (auto* got = std::get_if<sources::fetched>(&outcome); got && options_.needs_chat_pairs && got->record->chat().empty())
        outcome = sources::target_failure{t.id, {}, 200, "no content: no question-answer pair to write for --format chat", 1, true};
    if (auto* got = std::get_if<sources::fetched>(&outcome)) {
        for (auto& id : got->discovered) {
            if (claimed_.contains(id)) continue;
            if (!options_.shard.owns(id)) { // another shard's: left to it, not pending here
                ++other_shards_;
                continue;
            }
            if (options_.with_state) batch_.discovered.push_back(id);
            enqueue(sources::target{std::move(id), std::nullopt, false, {}});
        }
        logged.attempts = got->attempts;
        logged.reason = got->incomplete;
        const auto records_before = batch_.records.size();
        logged.status = accept(t, std::move(*got));
        if (batch_.records.size() > records_before) logged.record = records_before;
    } else if (auto* same = std::get_if<sources::not_modified>(&outcome)) {
        ++unchanged_;
        logged.status = "unchanged";
        logged.attempts = same->attempts;
        if (options_.with_state) batch_.updates.push_back(done_update(same->id, same->etag, t.revision, {}));
    } else {
        auto& failure = std::get<sources::target_failure>(outcome);
        failure.url = http::redact_url(failure.url);
        failure.reason = http::redact_text(failure.reason);
        if (stopping_ && failure.reason.ends_with(": cancelled")) return take_if_full(); // left for a later run
        if (options_.with_state)
            batch_.updates.push_back({failure.id, state::target_status::failed, failure.permanent, failure.attempts, failure.last_status,
                                      failure.url, failure.reason, {}, t.revision, {}, {}, false}); // the index serial it failed at
        logged.status = failure.permanent ? "failed" : "retry";
        logged.reason = failure.reason;
        logged.attempts = failure.attempts;
        failures_.push_back(std::move(failure));
    }
    if (options_.with_state) batch_.outcomes.push_back(std::move(logged));
    return take_if_full();
}

// A fetched record joins the batch, unless it is already in the output: a renamed project
// written under its new name, or (--incremental) a record whose content has not changed. A
// record written incomplete before is written again when it comes back different: the new line
// supersedes the old one (export --latest keeps the newest).
std::string_view scheduler::accept(const sources::target& t, sources::fetched got) {
    if (!written_ids_.insert(got.id).second) return "duplicate"; // written in this run under its canonical id
    convert::training_record item{got.id, options_.source, {}, std::move(got.record)};
    state::target_update update;
    const bool incomplete = !got.incomplete.empty();
    if (options_.with_state) {
        const auto* before = known(item.id);
        const bool in_output = before && before->status == state::target_status::done;
        // The content hash is the committer's work (off the network thread) unless it decides here.
        const bool compare = in_output && (options_.mode == state::run_mode::incremental || before->incomplete);
        const auto revision = got.revision ? got.revision : t.revision;
        update = done_update(item.id, got.etag, revision, compare || t.id != item.id ? convert::content_hash(item) : std::string(), got.incomplete);
        if (t.id != item.id) batch_.updates.push_back(done_update(t.id, {}, revision, update.content_hash, got.incomplete));
        const bool same = compare && before->content_hash == update.content_hash;
        if (in_output && (same || (options_.mode == state::run_mode::resume && !before->incomplete))) {
            if (options_.mode == state::run_mode::incremental) ++unchanged_;
            else if (before->incomplete) ++accepted_; // --resume: in the output as it was, and now counted
            batch_.updates.push_back(std::move(update)); // keeps its shard; validators refreshed
            return "unchanged";
        }
    }
    item.fetched_at = now_();
    ++accepted_;
    if (incomplete) ++incomplete_;
    batch_.records.push_back(std::move(item));
    batch_.record_updates.push_back(std::move(update));
    return incomplete ? "incomplete" : "written";
}

std::optional<batch> scheduler::take_if_full() {
    if (batch_.size() < options_.batch_size) return std::nullopt;
    return take_batch();
}

batch scheduler::take_batch() { return std::exchange(batch_, batch{}); }

} // namespace harvest::pipeline
