// The engine in-process (pipeline::run_job, no child process) against the fixture server: the
// committer's queue holds the workers back when the disk is slow, and a write error stops the
// run with the batches before it intact.
#include "support/collect_run.hpp"
#include "support/test_server.hpp"
#include "support/virtuoso.hpp"

#include <harvest/pipeline/engine.hpp>
#include <harvest/state/state_store.hpp>

#include <atomic>
#include <thread>

using namespace harvest;
using namespace harvest::test;
using namespace std::chrono_literals;

namespace {

pipeline::job_config glycan_job(std::uint16_t port, const fs::path& out) {
    pipeline::job_config c;
    c.source = "glytoucan";
    c.sources.glytoucan.set_base_url("http://127.0.0.1:" + std::to_string(port));
    c.sources.glytoucan.sparql_url = recorded_virtuoso().endpoint();
    c.out = out.string();
    c.batch_size = 5;
    c.http.workers = 20;
    return c;
}

} // namespace

TEST_CASE("engine: a slow disk holds the workers back at the committer's queue, and every record still lands once") {
    running_server server;
    for (const std::size_t queue : {std::size_t{1}, std::size_t{1000}}) {
        CAPTURE(queue);
        temp_dir dir;
        auto config = glycan_job(server.port(), dir.path / "g.jsonl");
        config.commit_queue = queue;
        pipeline::engine_hooks hooks;
        std::atomic<int> batches{0};
        hooks.commit.at_step = [&](pipeline::commit_step s) {
            if (s != pipeline::commit_step::synced) return;
            ++batches;
            std::this_thread::sleep_for(20ms); // a disk that takes 20 ms per fsync
        };
        const auto result = pipeline::run_job(config, logger::silent(), std::move(hooks));
        CHECK(result.finish_reason == "complete");
        CHECK(result.report.records == 100);
        CHECK(batches == 20);
        CHECK(check_jsonl(read_text(data_file(dir.path / "g.jsonl"))).size() == 100);
        const double waited = std::chrono::duration<double>(result.report.commit_wait).count();
        // 20 batches × 20 ms of fsync against ~0.1 s of fetching: with one batch queued the
        // workers wait for most of it; with room for all of them they never wait.
        if (queue == 1) CHECK(waited > 0.1);
        else CHECK(waited < 0.05);
        CHECK(std::chrono::duration<double>(result.report.convert_write).count() >= 0.4);
    }
}

TEST_CASE("engine: a write error ends the run with harvest::failure, and the committed batches stay done") {
    running_server server;
    temp_dir dir;
    const auto config = glycan_job(server.port(), dir.path / "g.jsonl");
    pipeline::engine_hooks hooks;
    int syncs = 0;
    hooks.commit.at_step = [&](pipeline::commit_step s) {
        if (s == pipeline::commit_step::synced && ++syncs == 3) throw std::runtime_error("g.jsonl: No space left on device");
    };
    try {
        pipeline::run_job(config, logger::silent(), std::move(hooks));
        FAIL("run_job returned");
    } catch (const failure& e) {
        CHECK(e.details().code == errc::write_failed);
        CHECK(e.details().message == "g.jsonl: No space left on device");
    }
    const state::state_store state(state_of(dir.path / "g.jsonl"));
    std::size_t done = 0;
    for (const auto& [id, t] : state.targets("glytoucan")) done += t.status == state::target_status::done;
    CHECK(done == 10); // the two batches before the failing one
    CHECK(state.runs().back().finish_reason.empty()); // the run did not finish: the next start repairs it
}
