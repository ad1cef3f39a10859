#include <harvest/state/target_plan.hpp>

namespace harvest::state {

target_plan plan_target(const target_state* known, std::optional<std::uint64_t> index_serial, run_mode mode, bool retry_failed) {
    if (!known || known->status == target_status::pending || mode == run_mode::first) return {};
    if (known->status == target_status::failed) {
        if (!known->permanent || retry_failed) return {}; // transient, or asked for
        if (mode == run_mode::resume) return {plan_kind::skip_failed, {}};
        // --incremental: a dead name (a 404 the index still lists) is asked again only once the
        // index says it changed; without a serial to compare (--ids), it is asked again.
        if (index_serial && known->last_serial && *known->last_serial >= *index_serial) return {plan_kind::skip_failed, {}};
        return {};
    }
    if (known->incomplete) return {}; // written without part of its data: ask again, without a validator
    if (mode == run_mode::resume) return {plan_kind::skip_done, {}};
    if (index_serial && known->last_serial && *known->last_serial >= *index_serial) return {plan_kind::skip_unchanged, {}};
    return {plan_kind::revalidate, known->etag};
}

} // namespace harvest::state
