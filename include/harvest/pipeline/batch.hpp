#pragma once
// What the scheduler hands the committer: records to convert and write, and the state changes
// that become durable with them in one transaction.
#include <harvest/convert/training_record.hpp>
#include <harvest/state/state_store.hpp>

#include <string>
#include <vector>

namespace harvest::pipeline {

struct batch {
    std::vector<convert::training_record> records;
    std::vector<state::target_update> record_updates; // one per record; the committer fills in its shard (and its hash, if empty)
    std::vector<state::target_update> updates;        // changes without a line: failures, unchanged records
    std::vector<std::string> discovered;              // targets found while harvesting, pending in the state

    std::size_t size() const noexcept { return records.size() + updates.size(); }
    bool empty() const noexcept { return records.empty() && updates.empty() && discovered.empty(); }
};

} // namespace harvest::pipeline
