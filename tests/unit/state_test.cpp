// The state layer without sockets: the resume/incremental rules, the SQLite store, and the
// start-up repair of shards a crashed run left open (the crash simulated by keeping a copy of
// the temporary file as it was when the process "died").
#include "support/fixture_files.hpp"
#include "support/self_signed.hpp"

#include <harvest/export/dataset_writer.hpp>
#include <harvest/state/dataset_recovery.hpp>
#include <harvest/state/state_store.hpp>
#include <harvest/state/target_plan.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <optional>

using namespace harvest;
using state::plan_kind;
using state::run_mode;
using state::target_state;
using state::target_status;
namespace fs = std::filesystem;
using test::temp_dir;

namespace {

target_state done(std::optional<std::uint64_t> serial = std::nullopt, std::string etag = {}) {
    target_state t;
    t.status = target_status::done;
    t.last_serial = serial;
    t.etag = std::move(etag);
    return t;
}

target_state failed(bool permanent) {
    target_state t;
    t.status = target_status::failed;
    t.permanent = permanent;
    return t;
}

} // namespace

TEST_CASE("target plan: a first run fetches everything, --resume skips what is done or failed for good") {
    const auto d = done(5);
    const auto gone = failed(true), flaky = failed(false);
    CHECK(state::plan_target(nullptr, 9, run_mode::first).kind == plan_kind::fetch);
    CHECK(state::plan_target(&d, 9, run_mode::first).kind == plan_kind::fetch);
    CHECK(state::plan_target(nullptr, std::nullopt, run_mode::resume).kind == plan_kind::fetch);
    CHECK(state::plan_target(&d, std::nullopt, run_mode::resume).kind == plan_kind::skip_done);
    CHECK(state::plan_target(&d, 100, run_mode::resume).kind == plan_kind::skip_done); // resume never revalidates
    CHECK(state::plan_target(&gone, std::nullopt, run_mode::resume).kind == plan_kind::skip_failed);
    CHECK(state::plan_target(&gone, std::nullopt, run_mode::resume, true).kind == plan_kind::fetch); // --retry-failed
    CHECK(state::plan_target(&flaky, std::nullopt, run_mode::resume).kind == plan_kind::fetch);
    target_state pending;
    CHECK(state::plan_target(&pending, std::nullopt, run_mode::resume).kind == plan_kind::fetch);
}

TEST_CASE("target plan: --incremental skips by serial without a request and revalidates the rest with their ETag") {
    const auto d = done(100, "\"abc\"");
    CHECK(state::plan_target(&d, 100, run_mode::incremental).kind == plan_kind::skip_unchanged);
    CHECK(state::plan_target(&d, 99, run_mode::incremental).kind == plan_kind::skip_unchanged);
    const auto newer = state::plan_target(&d, 101, run_mode::incremental);
    CHECK(newer.kind == plan_kind::revalidate);
    CHECK(newer.etag == "\"abc\"");
    CHECK(state::plan_target(&d, std::nullopt, run_mode::incremental).kind == plan_kind::revalidate); // --ids: no index serial
    const auto no_serial = done(std::nullopt);
    CHECK(state::plan_target(&no_serial, 5, run_mode::incremental).kind == plan_kind::revalidate);
    const auto gone = failed(true);
    CHECK(state::plan_target(&gone, std::nullopt, run_mode::incremental).kind == plan_kind::fetch); // it may be back
    CHECK(state::plan_target(nullptr, 7, run_mode::incremental).kind == plan_kind::fetch);
}

TEST_CASE("target plan: --incremental asks a dead name again only when the index serial moved, or with --retry-failed") {
    auto dead = failed(true);
    dead.last_serial = 40; // the index serial it failed at
    CHECK(state::plan_target(&dead, 40, run_mode::incremental).kind == plan_kind::skip_failed);
    CHECK(state::plan_target(&dead, 41, run_mode::incremental).kind == plan_kind::fetch); // a release since
    CHECK(state::plan_target(&dead, 40, run_mode::incremental, true).kind == plan_kind::fetch);
    CHECK(state::plan_target(&dead, std::nullopt, run_mode::incremental).kind == plan_kind::fetch); // --ids: nothing to compare
    auto flaky = failed(false);
    flaky.last_serial = 40;
    CHECK(state::plan_target(&flaky, 40, run_mode::incremental).kind == plan_kind::fetch); // transient: always again
}

TEST_CASE("state store: batches, validators kept when an update has none, runs and failures persist across opens") {
    temp_dir dir;
    const auto path = dir.path / "s.sqlite";
    {
        state::state_store s(path);
        CHECK(s.runs().empty());
        CHECK_FALSE(s.source());
        const auto run = s.begin_run("pypi", "full", "{\"source\":\"pypi\"}", "harvest collect", "2026-11-23T00:00:00Z");
        state::target_update a;
        a.id = "requests";
        a.etag = "\"e1\"";
        a.last_serial = 10;
        a.content_hash = "h1";
        a.shard = "p.jsonl";
        state::target_update b;
        b.id = "nope";
        b.status = target_status::failed;
        b.permanent = true;
        b.last_status = 404;
        b.reason = "not found (HTTP 404)";
        b.url = "http://x/pypi/nope/json";
        s.commit_batch(run, "pypi", {a, b}, {"six", "requests"}, {{"p.jsonl", "all", (dir.path / ".p.tmp").string(), 1, 42}});
        // An unchanged revalidation: new validators, shard and hash kept.
        state::target_update same;
        same.id = "requests";
        same.etag = "\"e2\"";
        s.commit_batch(run, "pypi", {same}, {}, {});
        s.finish_run(run, "2026-11-23T00:01:00Z", "complete", 1, 0, 1);
    }
    state::state_store s(path);
    REQUIRE(s.runs().size() == 1);
    CHECK(s.runs()[0].finish_reason == "complete");
    CHECK(s.source() == "pypi");
    const auto targets = s.targets("pypi");
    REQUIRE(targets.size() == 3);
    const auto& r = targets.at("requests");
    CHECK(r.status == target_status::done);
    CHECK(r.etag == "\"e2\"");
    CHECK(r.last_serial == 10u);
    CHECK(r.content_hash == "h1");
    CHECK(r.shard == "p.jsonl");
    CHECK(targets.at("six").status == target_status::pending); // discovered, not yet fetched
    CHECK(targets.at("nope").permanent);
    CHECK(s.targets("glytoucan").empty());
    const auto failures = s.failures("pypi");
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].id == "nope");
    CHECK(failures[0].last_status == 404);
    REQUIRE(s.shards().size() == 1);
    CHECK_FALSE(s.shards()[0].complete);
    CHECK(s.shards()[0].bytes == 42);
}

TEST_CASE("target plan: a record written incomplete is fetched again by --resume and --incremental, whatever its serial") {
    auto partial = done(100, "\"abc\"");
    partial.incomplete = true;
    CHECK(state::plan_target(&partial, std::nullopt, run_mode::resume).kind == plan_kind::fetch);
    const auto again = state::plan_target(&partial, 100, run_mode::incremental);
    CHECK(again.kind == plan_kind::fetch);
    CHECK(again.etag.empty()); // a 304 would keep the partial record
}

TEST_CASE("state store: a schema 1 file is migrated in place, its targets complete, and incomplete records persist") {
    temp_dir dir;
    const auto path = dir.path / "s.sqlite";
    {
        state::state_store store(path);
        const auto run = store.begin_run("glytoucan", "full", "{}", "harvest collect", "2026-12-01T00:00:00Z");
        state::target_update u;
        u.id = "G00001AA";
        u.content_hash = "h1";
        store.commit_batch(run, "glytoucan", {u}, {}, {});
    }
    { // what harvest before schema 2 wrote: no incomplete column, no runs' format, user_version 1
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db,
                             "ALTER TABLE targets DROP COLUMN incomplete; ALTER TABLE runs DROP COLUMN format;"
                             " ALTER TABLE runs DROP COLUMN record_schema; PRAGMA user_version=1;",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    state::state_store store(path);
    auto targets = store.targets("glytoucan");
    REQUIRE(targets.contains("G00001AA"));
    CHECK(targets["G00001AA"].content_hash == "h1");
    CHECK_FALSE(targets["G00001AA"].incomplete);
    state::target_update partial;
    partial.id = "G00002AA";
    partial.incomplete = true;
    partial.reason = "GlyGen answered HTTP 503";
    store.commit_batch(store.begin_run("glytoucan", "resume", "{}", "harvest collect --resume", "2026-12-01T01:00:00Z"), "glytoucan", {partial}, {}, {});
    CHECK(state::state_store(path).targets("glytoucan")["G00002AA"].incomplete);
    CHECK_FALSE(store.shape()); // the migrated runs kept no format: unknown, not compared
}

TEST_CASE("state store: a schema 2 file gains the runs' format and record schema, and the latest known shape is the dataset's") {
    temp_dir dir;
    const auto path = dir.path / "s.sqlite";
    state::state_store(path).begin_run("pypi", "full", "{}", "harvest collect", "2026-12-01T00:00:00Z");
    { // what harvest before schema 3 wrote
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "ALTER TABLE runs DROP COLUMN format; ALTER TABLE runs DROP COLUMN record_schema; PRAGMA user_version=2;", nullptr,
                             nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    state::state_store store(path);
    CHECK(store.runs().size() == 1);
    CHECK_FALSE(store.shape());
    store.begin_run("pypi", "resume", "{}", "harvest collect --resume", "2026-12-01T01:00:00Z", {"chat", 1});
    store.begin_run("pypi", "resume", "{}", "harvest collect --resume", "2026-12-01T02:00:00Z", {"", 0}); // a run that says nothing
    const auto shape = store.shape();
    REQUIRE(shape);
    CHECK(shape->format == "chat");
    CHECK(shape->record_schema == 1);
}

TEST_CASE("state store: a file that is not a harvest state file is refused and left as it was") {
    temp_dir dir;
    const auto path = dir.path / "s.sqlite";
    std::ofstream(path) << "not a database at all, just text that is long enough to have a header\n";
    const auto before = test::read_text(path);
    CHECK_THROWS_AS(state::state_store{path}, state::state_error);
    CHECK(test::read_text(path) == before);
}

TEST_CASE("recovery: an open shard is completed from its committed part, in every compression") {
    for (const std::string ext : {".jsonl", ".jsonl.gz", ".jsonl.zst"}) {
        CAPTURE(ext);
        temp_dir dir;
        const auto out = (dir.path / ("d" + ext)).string();
        state::state_store s(dir.path / "s.sqlite");
        const auto run = s.begin_run("glytoucan", "full", "{}", "test", "t0");
        std::string shard_name;
        std::optional<exporting::dataset_writer> w(std::in_place, out, 100, std::vector<exporting::split_spec>{});
        for (int i = 0; i < 3; ++i) shard_name = w->add("c" + std::to_string(i), "{\"id\":\"c" + std::to_string(i) + "\"}\n");
        const auto progress = w->sync();
        REQUIRE(progress.size() == 1);
        s.commit_batch(run, "glytoucan", {}, {}, progress);
        // A batch written and made durable, but the process dies before the state commit.
        w->add("u0", "{\"id\":\"u0\"}\n");
        w->sync();
        const fs::path temp = progress[0].temp, crashed = dir.path / "crashed";
        fs::copy_file(temp, crashed);
        w.reset(); // the writer's destructor removes its temporary; a crash would have left it
        fs::rename(crashed, temp);
        // A stray temporary that no commit ever mentioned goes too.
        std::ofstream(dir.path / (".d-00009" + ext + ".tmp-1-2")) << "partial";
        const auto report = state::recover_dataset(s, dir.path, "d", *exporting::compression_for(out));
        CHECK(report.completed == 1);
        CHECK(report.removed == 1);
        const auto shards = s.shards();
        REQUIRE(shards.size() == 1);
        CHECK(shards[0].complete);
        CHECK(shards[0].name == shard_name);
        CHECK(shards[0].records == 3);
        std::string decoded;
        auto decoder = exporting::decompressor::make(*exporting::compression_for(out));
        REQUIRE(decoder->write(test::read_text(dir.path / shard_name), decoded));
        CHECK(decoded == "{\"id\":\"c0\"}\n{\"id\":\"c1\"}\n{\"id\":\"c2\"}\n");
        for (const auto& e : fs::directory_iterator(dir.path)) CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
    }
}

TEST_CASE("recovery: a shard renamed just before the crash is recorded, a vanished one sends its targets back to pending") {
    temp_dir dir;
    state::state_store s(dir.path / "s.sqlite");
    const auto run = s.begin_run("glytoucan", "full", "{}", "test", "t0");
    std::ofstream(dir.path / "d-00001.jsonl") << "{\"id\":\"a\"}\n";
    state::target_update a;
    a.id = "a";
    a.shard = "d-00001.jsonl";
    state::target_update b;
    b.id = "b";
    b.shard = "d-00002.jsonl";
    s.commit_batch(run, "glytoucan", {a, b}, {},
                   {{"d-00001.jsonl", "all", (dir.path / ".gone-1").string(), 1, 11}, {"d-00002.jsonl", "all", (dir.path / ".gone-2").string(), 1, 11}});
    const auto report = state::recover_dataset(s, dir.path, "d", exporting::compression::none);
    CHECK(report.completed == 1);
    CHECK(report.lost == 1);
    REQUIRE(s.shards().size() == 1);
    CHECK(s.shards()[0].complete);
    CHECK(s.shards()[0].bytes == 11);
    const auto targets = s.targets("glytoucan");
    CHECK(targets.at("a").status == target_status::done);
    CHECK(targets.at("b").status == target_status::pending);
}
