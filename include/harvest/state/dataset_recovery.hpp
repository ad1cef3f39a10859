#pragma once
// Start-up repair after a crash (kill -9, power loss): brings the output directory back into
// agreement with the state before a run adds to it. An open shard is completed from the part
// the state committed (a crash after the rename is recognised too); temporaries the state never
// committed are removed, their records being still pending.
#include <harvest/export/compressor.hpp>
#include <harvest/state/state_store.hpp>

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace harvest::state {

struct recovery_report {
    std::size_t completed = 0; // open shards completed from their committed part
    std::size_t removed = 0;   // uncommitted temporary files removed
    std::size_t lost = 0;      // open shards with no file left: their targets are pending again
};

recovery_report recover_dataset(state_store& state, const std::filesystem::path& dir, std::string_view stem, exporting::compression c);

} // namespace harvest::state
