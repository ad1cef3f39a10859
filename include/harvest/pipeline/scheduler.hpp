#pragma once
// The scheduler: which target is fetched next and what each outcome means for the dataset. Pure
// (no Asio, no I/O): the target queue, dedup, the resume/incremental plan per target, --target
// accounting, targets discovered while harvesting, and the batches handed to the committer.
// The engine asks next() for a step and reports each fetch with complete().
#include <harvest/pipeline/batch.hpp>
#include <harvest/pipeline/shard_assignment.hpp>
#include <harvest/sources/source.hpp>
#include <harvest/state/target_plan.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace harvest::pipeline {

struct scheduler_options {
    std::string source;                 // the records' source name
    std::optional<std::size_t> target;  // records to write, counting those an earlier run wrote (--resume)
    std::size_t batch_size = 50;
    bool with_state = false;            // plans and state updates; without, every target is fetched
    state::run_mode mode = state::run_mode::first;
    bool discovers_targets = false;     // fetches may add targets (--follow-deps): wait for them
    std::size_t lookup_block = 0;       // the source looks up unlisted targets this many at a time (0: never)
    bool retry_failed = false;          // --retry-failed: --resume fetches permanent failures again
    bool needs_chat_pairs = false;      // --format chat: a record with no question-answer pair is "no content"
    shard_assignment shard;             // --shard K/N: only the targets of shard K (however they arrive)
    bool needs_every_record = false;    // the source decides from every record (a dependency closure): what the dataset
                                        // has or failed for good is fetched again in full (no skip, no ETag), and written
                                        // only if it changed
};

enum class step_kind {
    fetch,    // fetch `target`, then call complete()
    list,     // ask the source for more targets, then call listed() or listing_failed()
    look_up,  // let the source look up `block` in bulk before they are fetched
    wait,     // nothing to do until a fetch in flight completes (or a listing arrives)
    finished, // no more work
};

struct step {
    step_kind kind = step_kind::finished;
    sources::target target;
    std::vector<sources::target> block; // look_up: the next queued targets that were not listed
};

class scheduler {
public:
    using clock = std::function<std::string()>; // fetched_at of each record (RFC 3339 UTC)

    scheduler(scheduler_options options, std::unordered_map<std::string, state::target_state> known, clock now);

    // Targets an earlier run left pending or failed transiently come first (parsed by `parse`,
    // which returns nullopt for an id the source no longer accepts); records already written
    // count towards --target on --resume.
    void resume_from_state(const std::function<std::optional<sources::target>(const std::string&)>& parse);
    // Targets from --ids: the whole list, so no listing follows.
    void add_ids(std::vector<sources::target> ids);
    // --exclude: these ids are never handed out, however they arrive (listed, given, discovered, pending).
    void exclude(const std::vector<sources::target>& ids);
    // A listing's part; `done` when the enumeration has no more.
    void listed(std::vector<sources::target> targets, bool done);
    void listing_failed();

    step next();
    // Hands a claimed target back unfetched (the engine is stopping before it was sent).
    void unclaim(sources::target t);
    // The outcome of a fetch next() handed out, which took `took`; returns a batch when one is full.
    std::optional<batch> complete(const sources::target& t, sources::outcome outcome, std::chrono::milliseconds took = {});
    // A dry run: a target next() handed out counts as written without a fetch.
    void count_dry(const sources::target& t);
    // What is not yet handed to the committer (the last, partial batch).
    batch take_batch();

    // Stop handing out work (SIGINT, a fatal error); fetches in flight still complete. Their
    // cancellations are not failures: those targets stay pending for a later run.
    void stop() noexcept { stopping_ = true; }
    bool stopping() const noexcept { return stopping_; }

    bool exhausted() const noexcept { return exhausted_; }
    std::size_t in_flight() const noexcept { return in_progress_; }
    std::size_t queued() const noexcept { return queue_.size(); }
    std::size_t written() const noexcept { return accepted_; } // records counted towards --target
    std::size_t unchanged() const noexcept { return unchanged_; }
    std::size_t incomplete() const noexcept { return incomplete_; } // records accepted without part of their data
    const std::vector<sources::target_failure>& failures() const noexcept { return failures_; }
    // Targets next() decided on, by their plan (without state every one is `fetch`).
    std::size_t planned(state::plan_kind kind) const noexcept { return planned_[static_cast<std::size_t>(kind)]; }
    std::size_t excluded() const noexcept { return excluded_count_; }
    std::size_t other_shards() const noexcept { return other_shards_; } // targets left to the other shards
    bool target_reached() const noexcept { return options_.target && accepted_ >= *options_.target; }

private:
    bool target_covered() const noexcept { return options_.target && accepted_ + in_progress_ >= *options_.target; }
    const state::target_state* known(const std::string& id) const;
    bool needs_lookup(const sources::target& t) const;
    step lookup_step();
    // Returns the outcome's status: written, incomplete, unchanged or duplicate.
    std::string_view accept(const sources::target& t, sources::fetched got);
    void enqueue(sources::target t); // unless another shard's
    std::optional<batch> take_if_full();

    scheduler_options options_;
    std::unordered_map<std::string, state::target_state> known_;
    clock now_;
    std::deque<sources::target> queue_;
    bool exhausted_ = false;
    bool listing_ = false;
    bool stopping_ = false;
    std::unordered_set<std::string> claimed_;     // targets handed out
    std::unordered_set<std::string> written_ids_; // records accepted for the output
    std::unordered_set<std::string> looked_up_;   // targets handed to a look_up step
    std::unordered_set<std::string> excluded_;    // --exclude
    std::size_t excluded_count_ = 0;
    std::size_t other_shards_ = 0;
    std::size_t in_progress_ = 0;
    std::size_t accepted_ = 0;
    std::size_t unchanged_ = 0;
    std::size_t incomplete_ = 0;
    std::vector<sources::target_failure> failures_;
    std::array<std::size_t, 5> planned_{}; // by state::plan_kind
    batch batch_;
};

} // namespace harvest::pipeline
