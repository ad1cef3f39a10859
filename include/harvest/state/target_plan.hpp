#pragma once
// What a run does with a target, given what the state knows of it: the resume and incremental
// rules as pure code.
#include <harvest/state/state_store.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace harvest::state {

enum class run_mode {
    first,       // no earlier run: fetch everything
    resume,      // --resume: continue; done and permanently failed targets are skipped
    incremental, // --incremental: fetch what changed since the state's last look
};

enum class plan_kind {
    fetch,          // never written (or pending, failed transiently, written incomplete): fetch it
    skip_done,      // --resume: already in the output
    skip_failed,    // failed permanently (404, malformed), on --resume, or on --incremental while the index
                    // serial is not newer than the one it failed at; failures.jsonl keeps it
    skip_unchanged, // --incremental: the index's serial is not newer than the stored one
    revalidate,     // --incremental: fetch with If-None-Match (etag, when known); compare content
};                  // (scheduler::planned counts by these five)

struct target_plan {
    plan_kind kind = plan_kind::fetch;
    std::string etag; // revalidate: the stored validator, "" when the service sent none
};

// `index_serial`: the _last-serial the PyPI index lists for the target, when enumerated.
// `retry_failed` (--retry-failed): --resume and --incremental fetch permanent failures again too.
target_plan plan_target(const target_state* known, std::optional<std::uint64_t> index_serial, run_mode mode, bool retry_failed = false);

} // namespace harvest::state
