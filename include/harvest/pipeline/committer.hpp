#pragma once
// The committer: the durability protocol for each batch (convert -> write -> flush and fsync ->
// one state transaction -> seal full shards), on a thread of its own behind a queue, so that the
// network thread never waits on the disk. The engine bounds the queue (back-pressure on its
// workers); the committer keeps the order of batches, and after a failure it commits nothing
// more, so output and state agree at every point a crash can hit.
#include <harvest/convert/converter.hpp>
#include <harvest/error.hpp>
#include <harvest/export/dataset_writer.hpp>
#include <harvest/pipeline/batch.hpp>
#include <harvest/state/state_store.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace harvest::pipeline {

// The points of the protocol a crash or a write error can hit, in order.
enum class commit_step {
    written,   // the batch's lines are in the writer (not yet durable)
    synced,    // ... durable in the shards' temporary files
    committed, // the state transaction (target changes, shard progress) is committed
    sealed,    // full shards renamed into place and recorded
};

struct committer_hooks {
    // Called at each step (on the committer's thread); throwing here is a write error there.
    std::function<void(commit_step)> at_step;
};

struct committer_target {
    exporting::dataset_writer& output;
    state::state_store* state = nullptr; // none: standard output, no durability protocol
    std::int64_t run = 0;
    std::string source;
    convert::output_format format = convert::output_format::raw;
    std::filesystem::path targets_log; // the per-target log each batch's outcomes are appended to, after its commit
    std::function<std::filesystem::path(const std::string&)> table_path; // where a source table's lines are appended, after the commit
};

class committer {
public:
    using completion = std::function<void(const std::optional<error>&)>; // runs on the committer's thread

    explicit committer(committer_target target, committer_hooks hooks = {});
    ~committer(); // finishes
    committer(const committer&) = delete;
    committer& operator=(const committer&) = delete;

    // The protocol for one batch on the calling thread; what the thread runs for each batch.
    // A failure is returned (the batch is not committed) and every later batch is refused.
    std::optional<error> commit(batch b);

    // Queues a batch for the thread (started on first use); `done` runs after its commit.
    void submit(batch b, completion done);
    // Waits until every queued batch is committed and stops the thread. Returns the first failure.
    std::optional<error> finish();

    std::chrono::nanoseconds busy() const; // converting and writing, for the summary's time split
    std::size_t queued() const;

private:
    void run();

    committer_target target_;
    committer_hooks hooks_;
    std::optional<error> failed_;
    std::atomic<std::int64_t> busy_ns_{0};
    std::string line_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<batch, completion>> queue_;
    bool closing_ = false;
    bool working_ = false;
    std::thread thread_;
};

} // namespace harvest::pipeline
