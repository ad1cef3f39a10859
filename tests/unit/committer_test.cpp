// The committer without sockets or child processes: the durability protocol, a crash at every
// step of every batch (the disk as it was at that moment, restored and repaired as a restarted
// run would), a write error, and the thread that keeps batches in order.
#include "support/fixture_files.hpp"
#include "support/self_signed.hpp"

#include <harvest/pipeline/committer.hpp>
#include <harvest/sources/glytoucan/glycan_record.hpp>
#include <harvest/state/dataset_recovery.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

using namespace harvest;
using pipeline::batch;
using pipeline::commit_step;
using pipeline::committer;
using pipeline::committer_target;
namespace fs = std::filesystem;
using test::temp_dir;

namespace {

// A batch of records for `ids`, each with its state update.
batch records(const std::vector<std::string>& ids) {
    batch b;
    for (const auto& id : ids) {
        sources::glycan_record r;
        r.accession = id;
        r.mass = 1234.5;
        b.records.push_back({id, "glytoucan", "2026-12-01T00:00:00Z", sources::make_record(r)});
        state::target_update u;
        u.id = id;
        u.attempts = 1;
        u.last_status = 200;
        b.record_updates.push_back(u);
    }
    return b;
}

std::vector<std::string> ids_from(int first, int count) {
    std::vector<std::string> out;
    for (int i = first; i < first + count; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "G%05dAA", i);
        out.emplace_back(id);
    }
    return out;
}

// The ids in every complete output file of the dataset (stem "glycans", uncompressed), with
// how often each occurs.
std::map<std::string, int> ids_on_disk(const fs::path& dir) {
    std::map<std::string, int> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        if (!name.starts_with("glycans") || !name.ends_with(".jsonl")) continue;
        const auto text = test::read_text(e.path());
        for (std::size_t at = text.find("{\"id\":\""); at != std::string::npos; at = text.find("{\"id\":\"", at + 1))
            ++out[text.substr(at + 7, 8)];
    }
    return out;
}

std::set<std::string> done_in(const state::state_store& s) {
    std::set<std::string> out;
    for (const auto& [id, t] : s.targets("glytoucan"))
        if (t.status == state::target_status::done) out.insert(id);
    return out;
}

struct dataset {
    fs::path dir;
    fs::path out = dir / "glycans.jsonl";
    fs::path state_path = dir / "glycans.jsonl.state.sqlite";
};

void copy_dir(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (const auto& e : fs::directory_iterator(from))
        if (!e.path().string().ends_with("-shm")) fs::copy_file(e.path(), to / e.path().filename(), fs::copy_options::overwrite_existing);
}

// A new dataset in a temporary directory, its first run begun.
struct new_dataset {
    temp_dir tmp{"harvest-committer"};
    dataset d{tmp.path};
    state::state_store state{d.state_path};
    std::int64_t run = state.begin_run("glytoucan", "full", "{}", "test", "t0");
    exporting::dataset_writer out;

    explicit new_dataset(std::optional<std::size_t> shard_size = std::nullopt) : out(d.out.string(), shard_size, {}) {}
    committer_target target(convert::output_format f = convert::output_format::raw) { return {out, &state, run, "glytoucan", f, {}, {}}; }
};

struct simulated_crash : std::runtime_error {
    simulated_crash() : std::runtime_error("simulated crash") {}
};

} // namespace

TEST_CASE("committer: each batch's lines, target states and shard progress are committed together, full shards sealed") {
    new_dataset ds(3);
    const auto& d = ds.d;
    auto& s = ds.state;
    std::vector<commit_step> steps;
    committer c(ds.target(), {[&](commit_step st) { steps.push_back(st); }});
    auto b = records(ids_from(1, 4));
    b.discovered = {"G99999ZZ"};
    CHECK_FALSE(c.commit(std::move(b)));
    CHECK(steps == std::vector{commit_step::written, commit_step::synced, commit_step::committed, commit_step::sealed});
    CHECK_FALSE(c.commit(batch{})); // nothing to do: no step
    CHECK(steps.size() == 4);
    const auto targets = s.targets("glytoucan");
    CHECK(targets.at("G00001AA").shard == "glycans-00001.jsonl");
    // The content hash is filled in here, off the network thread, as the converter defines it.
    CHECK(targets.at("G00001AA").content_hash == convert::content_hash(records({"G00001AA"}).records[0]));
    CHECK(targets.at("G00004AA").shard == "glycans-00002.jsonl");
    CHECK(targets.at("G99999ZZ").status == state::target_status::pending);
    const auto shards = s.shards();
    REQUIRE(shards.size() == 2);
    CHECK(std::ranges::count_if(shards, [](const auto& sh) { return sh.complete; }) == 1); // 3 records: sealed
    CHECK(fs::exists(d.dir / "glycans-00001.jsonl"));
    CHECK(c.busy().count() > 0);
}

TEST_CASE("committer: each committed batch appends one per-target line with its line's size and the source's table lines, and a failed batch none") {
    new_dataset ds;
    auto target = ds.target();
    target.targets_log = ds.d.dir / "targets.jsonl";
    target.table_path = [&](const std::string& name) { return ds.d.dir / name / (name + ".jsonl"); };
    bool fail = false;
    committer c(target, {[&](commit_step st) {
                    if (fail && st == commit_step::committed) throw std::runtime_error("disk full");
                }});
    auto b = records({"G00001AA"});
    b.outcomes = {{"G00001AA", "written", "", 2, 35, 0}, {"G00002AA", "failed", "not found (HTTP 404)", 1, 12, std::nullopt}};
    b.tables = {{"edges", "{\"from\":\"a\"}\n"}};
    REQUIRE_FALSE(c.commit(std::move(b)));
    CHECK(test::read_text(ds.d.dir / "edges" / "edges.jsonl") == "{\"from\":\"a\"}\n"); // a source's table, after the commit too
    std::string line;
    convert::convert_record(records({"G00001AA"}).records[0], convert::output_format::raw, line);
    const auto log = test::read_text(target.targets_log);
    CHECK(log == R"({"id":"G00001AA","run":)" + std::to_string(ds.run) + R"(,"status":"written","reason":"","attempts":2,"bytes":)" +
                     std::to_string(line.size()) + R"(,"ms":35})" + "\n" + R"({"id":"G00002AA","run":)" + std::to_string(ds.run) +
                     R"x(,"status":"failed","reason":"not found (HTTP 404)","attempts":1,"bytes":0,"ms":12})x" + "\n");
    fail = true;
    auto later = records({"G00003AA"});
    later.outcomes = {{"G00003AA", "written", "", 1, 5, 0}};
    later.tables = {{"edges", "{\"from\":\"b\"}\n"}};
    CHECK(c.commit(std::move(later)));
    CHECK(test::read_text(target.targets_log) == log); // not committed: not logged
    CHECK(test::read_text(ds.d.dir / "edges" / "edges.jsonl") == "{\"from\":\"a\"}\n");
}

TEST_CASE("committer: a crash at any step of any batch, repaired at start-up and resumed, leaves every record exactly once") {
    const auto all = ids_from(1, 7); // batches of 2, shards of 3: seals fall inside batches
    const std::vector<commit_step> steps{commit_step::written, commit_step::synced, commit_step::committed, commit_step::sealed};
    for (int crash_batch = 0; crash_batch < 4; ++crash_batch) {
        for (const auto crash_step : steps) {
            CAPTURE(crash_batch);
            CAPTURE(static_cast<int>(crash_step));
            temp_dir tmp, snapshot;
            const dataset d{tmp.path};
            {
                state::state_store s(d.state_path);
                const auto run = s.begin_run("glytoucan", "full", "{}", "test", "t0");
                exporting::dataset_writer out(d.out.string(), 3, {});
                int batch_no = 0;
                committer c({out, &s, run, "glytoucan", convert::output_format::raw, {}, {}}, {[&](commit_step st) {
                                if (batch_no == crash_batch && st == crash_step) {
                                    copy_dir(d.dir, snapshot.path); // the disk as a kill -9 would leave it
                                    throw simulated_crash();
                                }
                            }});
                for (std::size_t i = 0; i < all.size(); i += 2, ++batch_no)
                    c.commit(records({all.begin() + static_cast<std::ptrdiff_t>(i), all.begin() + static_cast<std::ptrdiff_t>(std::min(i + 2, all.size()))}));
                REQUIRE(c.finish());
            }
            fs::remove_all(d.dir);
            copy_dir(snapshot.path, d.dir);

            // Start-up repair, then the invariant: the lines on disk are exactly the done targets.
            state::state_store s(d.state_path);
            state::recover_dataset(s, d.dir, "glycans", exporting::compression::none);
            const auto done = done_in(s);
            const auto on_disk = ids_on_disk(d.dir);
            CHECK(done.size() == on_disk.size());
            for (const auto& [id, n] : on_disk) {
                CHECK_MESSAGE(n == 1, id);
                CHECK_MESSAGE(done.contains(id), id);
            }
            // A committed batch is never lost: everything before the crashing batch is done.
            CHECK(done.size() >= static_cast<std::size_t>(2 * crash_batch));

            // --resume: the rest, then every record exactly once.
            const auto run = s.begin_run("glytoucan", "resume", "{}", "test", "t1");
            exporting::dataset_writer out(d.out.string(), 3, {});
            committer c({out, &s, run, "glytoucan", convert::output_format::raw, {}, {}});
            std::vector<std::string> rest;
            for (const auto& id : all)
                if (!done.contains(id)) rest.push_back(id);
            CHECK_FALSE(c.commit(records(rest)));
            s.record_complete(run, out.commit());
            const auto final_ids = ids_on_disk(d.dir);
            CHECK(final_ids.size() == all.size());
            for (const auto& [id, n] : final_ids) CHECK_MESSAGE(n == 1, id);
            CHECK(done_in(s).size() == all.size());
        }
    }
}

TEST_CASE("committer: a write error fails that batch and every later one, and what was committed stays") {
    new_dataset ds;
    const auto& d = ds.d;
    auto& s = ds.state;
    int syncs = 0;
    committer c(ds.target(), {[&](commit_step st) {
                    if (st == commit_step::synced && ++syncs == 2) throw std::runtime_error(d.out.string() + ": No space left on device");
                }});
    CHECK_FALSE(c.commit(records(ids_from(1, 2))));
    const auto e = c.commit(records(ids_from(3, 2)));
    REQUIRE(e);
    CHECK(e->code == errc::write_failed);
    CHECK(e->message == d.out.string() + ": No space left on device");
    const auto later = c.commit(records(ids_from(5, 2)));
    REQUIRE(later);
    CHECK(later->message == e->message);
    CHECK(syncs == 2); // the later batch was not even written
    CHECK(done_in(s) == std::set<std::string>{"G00001AA", "G00002AA"});
    CHECK(c.finish() == e);
}

TEST_CASE("committer: batches queued for its thread are committed in order, each completion after its commit") {
    new_dataset ds;
    auto& s = ds.state;
    const auto main_thread = std::this_thread::get_id();
    std::mutex m;
    std::vector<int> completed;
    bool all_on_thread = true;
    committer c(ds.target(convert::output_format::text));
    for (int i = 0; i < 6; ++i)
        c.submit(records(ids_from(10 * i, 10)), [&, i](const std::optional<error>& e) {
            std::lock_guard lock(m);
            CHECK_FALSE(e);
            completed.push_back(i);
            all_on_thread = all_on_thread && std::this_thread::get_id() != main_thread;
        });
    CHECK_FALSE(c.finish());
    CHECK(completed == std::vector{0, 1, 2, 3, 4, 5});
    CHECK(all_on_thread);
    CHECK(c.queued() == 0);
    CHECK(done_in(s).size() == 60);
    // The committer is usable again after finish: a later submit starts a new thread.
    bool later = false;
    c.submit(records(ids_from(100, 1)), [&](const std::optional<error>&) { later = true; });
    CHECK_FALSE(c.finish());
    CHECK(later);
    CHECK(done_in(s).size() == 61);
}

TEST_CASE("committer: without a state (standard output) lines are written and flushed, no transaction") {
    temp_dir tmp;
    const dataset d{tmp.path};
    exporting::dataset_writer out(d.out.string(), std::nullopt, {});
    std::vector<commit_step> steps;
    committer c({out, nullptr, 0, "glytoucan", convert::output_format::raw, {}, {}}, {[&](commit_step st) { steps.push_back(st); }});
    CHECK_FALSE(c.commit(records(ids_from(1, 3))));
    CHECK(steps == std::vector{commit_step::written, commit_step::synced});
    out.commit();
    CHECK(ids_on_disk(d.dir).size() == 3);
}
