#pragma once
// What the scheduler hands the committer: records to convert and write, and the state changes
// that become durable with them in one transaction.
#include <harvest/convert/training_record.hpp>
#include <harvest/sources/source.hpp>
#include <harvest/state/state_store.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace harvest::pipeline {

// What happened to one target in this run, for the dataset's per-target log
// (.harvest/targets.jsonl); the committer adds its line's size and appends it after the commit.
struct target_outcome {
    std::string id;
    std::string status; // written, incomplete, unchanged, duplicate, failed (permanent), retry (transient: a later run asks again)
    std::string reason;
    int attempts = 0;
    std::uint64_t ms = 0;
    std::optional<std::size_t> record; // its index in batch::records: the line it wrote
};

struct batch {
    std::vector<convert::training_record> records;
    std::vector<state::target_update> record_updates; // one per record; the committer fills in its shard (and its hash, if empty)
    std::vector<state::target_update> updates;        // changes without a line: failures, unchanged records
    std::vector<std::string> discovered;              // targets found while harvesting, pending in the state
    std::vector<target_outcome> outcomes;             // one per completed target (with a state only)
    std::vector<sources::source_table> tables;        // lines the source decided since the last batch (PyPI's dependency edges)

    std::size_t size() const noexcept { return records.size() + updates.size(); }
    bool empty() const noexcept { return records.empty() && updates.empty() && discovered.empty() && tables.empty(); }
};

} // namespace harvest::pipeline
