// Durable, resumable and incremental harvests: kill -9 and --resume, incremental runs against
// bumped serials, the run lock, and bad state files. harvest runs as a child process against
// the fixture server on 127.0.0.1.
#include "support/collect_run.hpp"
#include "support/test_client.hpp"
#include "support/test_server.hpp"

#include <harvest/sources/pypi/pypi_name.hpp>

#include <sqlite3.h>

#include <csignal>
#include <fstream>
#include <random>
#include <thread>

using namespace harvest::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using harvest::fixture::fixture_catalog;
using harvest::fixture::fixture_options;

namespace {

// Every complete output file on disk decodes to complete, valid lines; returns their ids.
std::vector<std::string> ids_on_disk(const fs::path& dir, const std::string& stem) {
    std::vector<std::string> ids;
    if (!fs::exists(dir)) return ids; // killed before it made the dataset's directory
    for (const auto& e : fs::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        if (!name.starts_with(stem)) continue;
        for (auto& id : check_jsonl(decompressed(e.path()))) ids.push_back(std::move(id));
    }
    return ids;
}

std::size_t count_unique(const std::vector<std::string>& ids) { return std::set<std::string>(ids.begin(), ids.end()).size(); }

std::uint64_t summary_number(const fs::path& summary, const char* key) {
    simdjson::dom::parser parser;
    return std::uint64_t(parser.parse(read_text(summary))[key]);
}

} // namespace

TEST_CASE("durability: kill -9 at 20 random points of a 5,000-record harvest, each followed by --resume: every id once") {
    fixture_catalog catalog(HARVEST_FIXTURE_DIR, 5000);
    fixture_options o;
    o.latency = 20ms;
    o.jitter = 20ms;
    running_server server(o, catalog);
    temp_dir dir;
    const auto out = dir.path / "g.jsonl.zst";
    const std::vector<std::string> flags{"--target", "5000", "--workers", "8", "--batch-size", "25", "--shard-size", "700",
                                         "--progress", "never"};
    std::mt19937 rng(20261123);
    std::uniform_int_distribution<int> delay_ms(100, 900);
    for (int kill = 0; kill < 20; ++kill) {
        auto args = catalog_args(10'000, server.port(), out, flags);
        if (kill > 0) args.push_back("--resume");
        child_process harvest(args);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        harvest.signal(SIGKILL);
        harvest.wait(30s);
        // Whatever is on disk now is complete lines, and no record is there twice.
        const auto ids = ids_on_disk(dataset_dir(out), "g");
        CHECK(count_unique(ids) == ids.size());
        CHECK(ids.size() < 5000); // the kills land mid-harvest
    }
    auto last = run_process([&] {
        auto args = catalog_args(10'000, server.port(), out, flags);
        args.push_back("--resume");
        return args;
    }(), 120s);
    REQUIRE_MESSAGE(last.exit_code == 0, last.err);
    const auto ids = dataset_ids(dir.path / "g.jsonl");
    CHECK(ids.size() == 5000);
    CHECK(count_unique(ids) == 5000);
    simdjson::dom::parser parser;
    auto manifest = parser.parse(read_text(manifest_of(out)));
    CHECK(std::string_view(manifest["finish_reason"]) == "target_reached");
    CHECK(std::uint64_t(manifest["records"]) == 5000);
    // A kill that lands before a run has registered in the state leaves no trace (slow starts,
    // as under ASan); every run that did register and was killed says so.
    const auto runs = simdjson::dom::array(manifest["runs"]);
    CHECK(runs.size() <= 21);
    CHECK(runs.size() >= 2);
    std::size_t i = 0;
    for (auto run : runs)
        CHECK(std::string_view(run["finish_reason"]) == (++i == runs.size() ? "target_reached" : "crashed"));
}

TEST_CASE("durability: --incremental fetches exactly the projects whose serial was bumped, and --ids targets are revalidated with 304") {
    fixture_catalog catalog(HARVEST_FIXTURE_DIR, 300);
    running_server server(fixture_options{}, catalog);
    temp_dir dir;
    const auto out = dir.path / "pypi.jsonl";
    const auto summary = dir.path / "summary.json";
    auto first = run_process(pypi_args(server.port(), out, {"--summary", summary.string()}));
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    const auto total = summary_number(summary, "records");
    CHECK(total > 300);

    std::vector<std::string> bumped;
    std::string query;
    auto index = get(server.port(), "/simple/", {{"Accept", "application/vnd.pypi.simple.v1+json"}});
    REQUIRE(index.status == 200);
    simdjson::dom::parser parser;
    auto projects = simdjson::dom::array(parser.parse(index.body)["projects"]);
    std::size_t n = 0;
    for (auto p : projects) { // every 25th project: real and synthesized ones
        if (n++ % 25 != 3 || bumped.size() == 10) continue;
        bumped.emplace_back(std::string_view(p["name"]));
        query += (query.empty() ? "?project=" : "&project=") + bumped.back();
    }
    REQUIRE(bumped.size() == 10);
    REQUIRE(fetch(server.port(), test_request("POST", "/_fixture/bump" + query)).status == 200);
    REQUIRE(fetch(server.port(), test_request("POST", "/_fixture/reset")).status == 204);

    auto second = run_process(pypi_args(server.port(), out, {"--incremental", "--summary", summary.string()}));
    REQUIRE_MESSAGE(second.exit_code == 0, second.err);
    std::set<std::string> fetched;
    for (const auto& e : server_log(server.port()))
        if (e.route == "pypi_project") fetched.insert(e.target.substr(6, e.target.size() - 6 - 5)); // /pypi/<name>/json
    std::set<std::string> expected;
    for (const auto& b : bumped) expected.insert(harvest::sources::normalize_project_name(b));
    CHECK(fetched == expected);
    CHECK(summary_number(summary, "records") == 10);
    CHECK(summary_number(summary, "unchanged") == total - 10);
    CHECK(summary_number(summary, "requests") == 11); // the index and the 10
    // The dataset: the first run's shard plus this run's, 10 ids twice (latest wins on export).
    const auto ids = dataset_ids(dir.path / "pypi.jsonl");
    CHECK(ids.size() == total + 10);
    CHECK(count_unique(ids) == total);
    // export --latest: one line per id, the bumped ones as the incremental run wrote them.
    const auto snapshot = dir.path / "snapshot.jsonl.zst";
    auto exported = run_process({HARVEST_EXE, "export", "--manifest", manifest_of(out).string(), "--latest", snapshot.string()});
    REQUIRE_MESSAGE(exported.exit_code == 0, exported.err);
    const auto snapshot_text = decompressed(data_file(snapshot));
    CHECK(check_jsonl(snapshot_text).size() == total);
    std::size_t newest = 0;
    simdjson::dom::parser line_parser; // `parser` still holds the index
    for (const auto& line : lines_of(snapshot_text)) {
        auto doc = line_parser.parse(line);
        if (expected.contains(std::string(std::string_view(doc["id"]))))
            newest += std::uint64_t(doc["record"]["last_serial"]) >= 30'000'000 + 300; // above every original serial
    }
    CHECK(newest == 10);
    auto altered = run_process({HARVEST_EXE, "export", "--manifest", manifest_of(out).string(), "--latest", "-"});
    CHECK(altered.exit_code == 0);
    auto no_split = run_process({HARVEST_EXE, "export", "--manifest", manifest_of(out).string(), "--latest", "-", "--split", "nonexistent"});
    CHECK(no_split.exit_code == 2); // not an empty snapshot that looks like a result
    CHECK_MESSAGE(no_split.err.find("--split 'nonexistent': " + manifest_of(out).string() + " has no such split (it has: all)") !=
                      std::string::npos,
                  no_split.err);
    CHECK(no_split.out.empty());
    std::ofstream(data_file(out), std::ios::app) << "{\"id\":\"extra\"}\n";
    altered = run_process({HARVEST_EXE, "export", "--manifest", manifest_of(out).string(), "--latest", "-"});
    CHECK(altered.exit_code == 1);
    CHECK(altered.err.find("pypi.jsonl: SHA-256 differs from the manifest") != std::string::npos);
    CHECK(altered.out.empty());

    // --ids targets have no index serial: each is revalidated with If-None-Match.
    temp_dir ids_dir;
    const auto ids_file = ids_dir.path / "ids.txt";
    {
        std::ofstream f(ids_file);
        n = 0;
        for (auto p : projects)
            if (n++ < 20) f << std::string_view(p["name"]) << '\n';
    }
    const auto ids_out = ids_dir.path / "p.jsonl";
    REQUIRE(run_process(pypi_args(server.port(), ids_out, {"--ids", ids_file.string()})).exit_code == 0);
    const std::string names[] = {std::string(std::string_view(projects.at(0)["name"])), std::string(std::string_view(projects.at(7)["name"])),
                                 std::string(std::string_view(projects.at(19)["name"]))};
    REQUIRE(fetch(server.port(), test_request("POST", "/_fixture/bump?project=" + names[0] + "&project=" + names[1] + "&project=" + names[2])).status == 200);
    REQUIRE(fetch(server.port(), test_request("POST", "/_fixture/reset")).status == 204);
    auto revalidated = run_process(pypi_args(server.port(), ids_out, {"--ids", ids_file.string(), "--incremental", "--summary", summary.string()}));
    REQUIRE_MESSAGE(revalidated.exit_code == 0, revalidated.err);
    std::map<unsigned, int> statuses;
    for (const auto& e : server_log(server.port())) {
        CHECK(e.route == "pypi_project");
        ++statuses[e.status];
    }
    CHECK(statuses[304] == 17);
    CHECK(statuses[200] == 3);
    CHECK(summary_number(summary, "records") == 3);
    CHECK(summary_number(summary, "unchanged") == 17);
}

TEST_CASE("durability: a --target trial never poisons the full harvest, and a second --incremental run writes nothing") {
    running_server server(fixture_options{}, synthesized_catalog());
    temp_dir dir;
    const auto out = dir.path / "g.jsonl.gz";
    const auto summary = dir.path / "summary.json";
    auto trial = run_process(catalog_args(1000, server.port(), out, {"--target", "5"}));
    REQUIRE_MESSAGE(trial.exit_code == 0, trial.err);
    auto full = run_process(catalog_args(1000, server.port(), out, {"--incremental", "--summary", summary.string()}));
    REQUIRE_MESSAGE(full.exit_code == 0, full.err);
    CHECK(summary_number(summary, "unchanged") == 5); // the trial's records, revalidated by content
    const auto ids = dataset_ids(dir.path / "g.jsonl");
    CHECK(ids.size() == 1100);
    CHECK(count_unique(ids) == 1100);
    auto again = run_process(catalog_args(1000, server.port(), out, {"--incremental", "--summary", summary.string()}));
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    CHECK(summary_number(summary, "records") == 0);
    CHECK(summary_number(summary, "unchanged") == 1100);
    CHECK(dataset_ids(dir.path / "g.jsonl").size() == 1100);
}

TEST_CASE("durability: the lock makes a second concurrent run exit 5 at once, naming the holder, touching nothing") {
    fixture_options o;
    o.latency = 100ms;
    running_server server(o, synthesized_catalog());
    temp_dir dir;
    const auto out = dir.path / "g.jsonl";
    child_process holder(catalog_args(1000, server.port(), out, {"--target", "60", "--workers", "4"}));
    const auto lock = fs::path(state_of(out).string() + ".lock");
    for (int i = 0; i < 100 && read_text(lock).find("pid") == std::string::npos; ++i) std::this_thread::sleep_for(20ms);
    REQUIRE(read_text(lock).find("pid " + std::to_string(holder.pid())) != std::string::npos);
    const auto started = std::chrono::steady_clock::now();
    auto second = run_process(catalog_args(1000, server.port(), out, {"--resume"}), 10s);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    CHECK(second.exit_code == 5);
    CHECK(second.err.find("another harvest run holds") != std::string::npos);
    CHECK(second.err.find("pid " + std::to_string(holder.pid()) + ", started ") != std::string::npos);
    CHECK(std::count(second.err.begin(), second.err.end(), '\n') == 1);
    auto first = holder.wait(60s);
    CHECK_MESSAGE(first.exit_code == 0, first.err);
    simdjson::dom::parser parser;
    auto manifest = parser.parse(read_text(manifest_of(out)));
    CHECK(simdjson::dom::array(manifest["runs"]).size() == 1); // the refused run left no trace
    CHECK(dataset_ids(dir.path / "g.jsonl").size() == 60);
}

TEST_CASE("durability: a corrupt or foreign state file is a one-line error, exit 2, and stays as it was") {
    running_server server;
    temp_dir dir;
    const auto out = dir.path / "g.jsonl";
    const auto state = state_of(out);
    fs::create_directories(state.parent_path());
    SUBCASE("not a database") {
        std::ofstream(state) << "this is not SQLite\n";
    }
    SUBCASE("another program's database") {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(state.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner TEXT)", nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    const auto before = read_text(state);
    auto r = run_process(harvest_args(server.port(), out, {"--resume"}));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--state " + state.string() + ": ") != std::string::npos);
    CHECK(r.err.find("not a harvest state file") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(read_text(state) == before);
    CHECK_FALSE(fs::exists(data_file(out)));
    CHECK_FALSE(fs::exists(manifest_of(out)));
}

TEST_CASE("durability: --fresh removes the dataset's files and state and starts over, and the flags exclude each other") {
    running_server server(fixture_options{}, synthesized_catalog());
    temp_dir dir;
    const auto out = dir.path / "g.jsonl";
    REQUIRE(run_process(catalog_args(1000, server.port(), out, {"--target", "30", "--shard-size", "10"})).exit_code == 0);
    CHECK(fs::exists(dataset_dir(out) / "g-00003.jsonl"));
    auto fresh = run_process(catalog_args(1000, server.port(), out, {"--target", "7", "--fresh"}));
    REQUIRE_MESSAGE(fresh.exit_code == 0, fresh.err);
    CHECK_FALSE(fs::exists(dataset_dir(out) / "g-00001.jsonl"));
    CHECK_FALSE(fs::exists(dataset_dir(out) / "g-00003.jsonl"));
    CHECK(dataset_ids(dir.path / "g.jsonl").size() == 7);
    simdjson::dom::parser parser;
    CHECK(simdjson::dom::array(parser.parse(read_text(manifest_of(out)))["runs"]).size() == 1);

    auto both = run_process(catalog_args(1000, server.port(), out, {"--resume", "--fresh"}));
    CHECK(both.exit_code == 2);
    CHECK(both.err.find("excludes") != std::string::npos);
    auto stdout_state = run_process(catalog_args(1000, server.port(), "-", {"--resume"}));
    CHECK(stdout_state.exit_code == 2);
    CHECK(stdout_state.err.find("standard output keeps no state") != std::string::npos);
}

namespace {

// A 1 MiB tmpfs over a directory, for a real "No space left on device"; unmounted on exit.
// Needs root (CI runs as root); refused elsewhere.
struct small_tmpfs {
    fs::path dir;
    bool mounted = false;
    explicit small_tmpfs(fs::path d) : dir(std::move(d)) {
        mounted = run_process({"/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.string()}).exit_code == 0;
    }
    bool grow() const { return run_process({"/bin/mount", "-o", "remount,size=64m", dir.string()}).exit_code == 0; }
    ~small_tmpfs() {
        if (mounted) run_process({"/bin/umount", dir.string()});
    }
};

} // namespace

TEST_CASE("durability: a full disk ends the run with one line and exit 1, sealed shards stay as they were, and --resume completes") {
    fixture_catalog catalog(HARVEST_FIXTURE_DIR, 2000);
    running_server server(fixture_options{}, catalog);
    temp_dir dir;
    const std::vector<std::string> flags{"--target", "2000", "--batch-size", "50", "--shard-size", "300", "--progress", "never"};

    SUBCASE("ulimit -f: a write past the file-size limit is an error, not a SIGXFSZ death") {
        const auto out = dir.path / "g.jsonl";
        std::string command = "ulimit -f 64; exec";
        for (const auto& a : catalog_args(10'000, server.port(), out, flags)) command += " '" + a + "'";
        auto r = run_process({"/bin/sh", "-c", command});
        CHECK(r.exit_code == 1);
        // whichever file crosses the limit first: a shard ("File too large") or the state (SQLite's "disk I/O error")
        CHECK_MESSAGE((r.err.find("File too large") != std::string::npos || r.err.find("disk I/O error") != std::string::npos), r.err);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK_FALSE(fs::exists(manifest_of(out)));
    }
    SUBCASE("tmpfs: no space left on device") {
        small_tmpfs disk(dir.path);
        if (!disk.mounted) {
            MESSAGE("skipped: mounting a tmpfs needs root");
            return;
        }
        const auto out = dir.path / "g.jsonl";
        auto full = run_process(catalog_args(10'000, server.port(), out, flags));
        CHECK(full.exit_code == 1);
        CHECK_MESSAGE((full.err.find("No space left on device") != std::string::npos || full.err.find("disk is full") != std::string::npos), full.err);
        CHECK(std::count(full.err.begin(), full.err.end(), '\n') == 1);
        std::map<std::string, std::string> sealed; // shard -> sha256
        for (const auto& e : fs::directory_iterator(dataset_dir(out))) {
            const auto name = e.path().filename().string();
            if (name.starts_with("g-")) sealed[name] = sha256_hex(read_text(e.path()));
        }
        const auto before = ids_on_disk(dataset_dir(out), "g-");
        CHECK(count_unique(before) == before.size());
        CHECK(before.size() < 2000);
        MESSAGE(sealed.size() << " shard(s) sealed before the disk filled up");

        REQUIRE(disk.grow());
        auto resumed = run_process([&] {
            auto args = catalog_args(10'000, server.port(), out, flags);
            args.push_back("--resume");
            return args;
        }());
        // --resume takes the pending targets in id order, which can meet glycans the catalog lacks
        // (exit 3, "not found"); nothing else may fail.
        REQUIRE_MESSAGE((resumed.exit_code == 0 || resumed.exit_code == 3), resumed.err);
        for (const auto& line : lines_of(read_text(failures_of(out)))) CHECK_MESSAGE(line.find("\"reason\":\"not found") != std::string::npos, line);
        const auto ids = dataset_ids(dir.path / "g.jsonl");
        CHECK(ids.size() == 2000);
        CHECK(count_unique(ids) == 2000);
        for (const auto& [name, sha] : sealed) CHECK_MESSAGE(sha256_hex(read_text(dataset_dir(out) / name)) == sha, name);
    }
}

TEST_CASE("durability: a page older than the index's serial is asked again after 1 s, 2 s, ...: past the budget it is kept marked stale, and the next --incremental asks again") {
    fixture_catalog catalog(HARVEST_FIXTURE_DIR, 20);
    running_server server(fixture_options{}, catalog);
    temp_dir dir;
    const auto out = dir.path / "pypi.jsonl";
    const auto summary = dir.path / "summary.json";
    const auto later = ids_file(dir.path, "pytest\n"); // harvested first by the second run
    REQUIRE(run_process(pypi_args(server.port(), out, {"--exclude", later.string()})).exit_code == 0);
    auto serial_of = [&](const std::string& id) { // in the newest line written for it
        std::uint64_t serial = 0;
        simdjson::dom::parser files, lines;
        for (auto f : simdjson::dom::array(files.parse(read_text(manifest_of(out)))["files"]))
            for (const auto& line : lines_of(read_text(dataset_dir(out) / std::string_view(f["path"]))))
                if (line.starts_with("{\"id\":\"" + id + "\"")) serial = std::uint64_t(lines.parse(line)["record"]["last_serial"]);
        return serial;
    };
    const auto old_serial = serial_of("requests");
    // six lags twice (the third answer, after 1 s and 2 s, is fresh); requests and pytest five
    // times: more than a 3 s budget waits for (1 s + 2 s, then 4 s would pass it).
    REQUIRE(fetch(server.port(), test_request("POST", "/_fixture/bump?project=six&stale=2")).status == 200);
    REQUIRE(fetch(server.port(), test_request("POST", "/_fixture/bump?project=requests&project=pytest&stale=5")).status == 200);
    REQUIRE(fetch(server.port(), test_request("POST", "/_fixture/reset")).status == 204);
    const std::vector<std::string> flags{"--incremental", "--retry-budget", "3", "--summary", summary.string()};
    auto r = run_process(pypi_args(server.port(), out, flags), 60s);
    CHECK_MESSAGE(r.exit_code == 0, r.err); // a stale page is kept, not a failure
    auto requests_by_target = [&] {
        std::map<std::string, int> requests;
        for (const auto& e : server_log(server.port()))
            if (e.route == "pypi_project") ++requests[e.target];
        return requests;
    };
    CHECK(requests_by_target() == std::map<std::string, int>{{"/pypi/pytest/json", 3}, {"/pypi/requests/json", 3}, {"/pypi/six/json", 3}});
    // six written anew; pytest written from its stale page; requests' stale page holds what the
    // dataset has: unchanged, and marked stale too.
    CHECK(summary_number(summary, "records") == 2);
    CHECK(summary_number(summary, "incomplete") == 1);
    CHECK(read_text(failures_of(out)).empty());
    simdjson::dom::parser parser;
    CHECK(std::uint64_t(parser.parse(read_text(manifest_of(out)))["stale"]) == 2);
    CHECK(serial_of("requests") == old_serial); // the page's own serial, never the index's
    const auto pytest_serial = serial_of("pytest");
    const auto log = read_text(dataset_dir(out) / ".harvest" / "targets.jsonl");
    CHECK_MESSAGE(log.find(R"({"id":"pytest","run":2,"status":"incomplete","reason":"stale page: X-PyPI-Last-Serial )") != std::string::npos, log);
    CHECK_MESSAGE(log.find(R"({"id":"requests","run":2,"status":"unchanged","reason":"stale page: X-PyPI-Last-Serial )") != std::string::npos, log);

    // The next run asks both again; the CDN catches up after two more stale answers.
    REQUIRE(fetch(server.port(), test_request("POST", "/_fixture/reset")).status == 204);
    auto next = run_process(pypi_args(server.port(), out, flags), 60s);
    CHECK_MESSAGE(next.exit_code == 0, next.err);
    CHECK(requests_by_target() == std::map<std::string, int>{{"/pypi/pytest/json", 3}, {"/pypi/requests/json", 3}});
    CHECK(summary_number(summary, "records") == 2);
    CHECK(summary_number(summary, "incomplete") == 0);
    CHECK(std::uint64_t(parser.parse(read_text(manifest_of(out)))["stale"]) == 0);
    CHECK(serial_of("requests") > old_serial);
    CHECK(serial_of("pytest") > pytest_serial);
}

TEST_CASE("durability: --resume leaves permanent failures alone, --resume --retry-failed asks them again, and --retry-failed alone is exit 2") {
    running_server server;
    temp_dir dir;
    const auto ids = ids_file(dir.path, "pytest\nno-such-project-anywhere\n");
    const auto out = dir.path / "p.jsonl";
    auto first = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--progress", "never"}));
    CHECK(first.exit_code == 3);
    auto asked = [&] {
        std::size_t n = 0;
        for (const auto& e : server_log(server.port())) n += e.target.find("no-such-project-anywhere") != std::string::npos;
        return n;
    };
    const auto before = asked();
    REQUIRE(before >= 1);
    auto resumed = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--resume", "--progress", "never"}));
    CHECK(resumed.exit_code == 3); // nothing asked (the 404 is permanent), but the dataset still has it: cron must see it
    CHECK(resumed.err.find("the dataset still lists 1 failed targets in") != std::string::npos);
    CHECK(asked() == before);
    auto retried = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--resume", "--retry-failed", "--progress", "never"}));
    CHECK(retried.exit_code == 3); // asked again, still not there
    CHECK(asked() > before);
    CHECK(read_text(failures_of(out)).find("no-such-project-anywhere") != std::string::npos);
    auto alone = run_process(pypi_args(server.port(), dir.path / "q.jsonl", {"--ids", ids.string(), "--retry-failed"}));
    CHECK(alone.exit_code == 2);
    CHECK(alone.err.find("--retry-failed") != std::string::npos);
}

TEST_CASE("durability: --dry-run prints the plan the state implies and fetches nothing") {
    running_server server;
    temp_dir dir;
    const auto ids = ids_file(dir.path, "pytest\nsix\nrequests\nno-such-project-anywhere\n");
    const auto out = dir.path / "p.jsonl";
    auto first = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--progress", "never"}));
    REQUIRE(first.exit_code == 3);
    const auto requests = server_log(server.port()).size();
    const auto state_before = read_text(state_of(out));

    auto resume = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--resume", "--dry-run"}));
    CHECK(resume.exit_code == 0);
    CHECK(resume.out.empty()); // nothing left to fetch
    CHECK_MESSAGE(resume.err.find("harvest collect --dry-run: 0 to fetch (0 revalidated), 4 skipped (3 already written, 1 failed permanently, 0 unchanged)") !=
                      std::string::npos,
                  resume.err);
    auto retry = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--resume", "--retry-failed", "--dry-run"}));
    CHECK(lines_of(retry.out) == std::vector<std::string>{"no-such-project-anywhere"});
    auto incremental = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--incremental", "--dry-run"}));
    CHECK(incremental.err.find("4 to fetch (3 revalidated)") != std::string::npos); // --ids targets have no serial: revalidated
    auto plain = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--dry-run"}));
    CHECK(plain.exit_code == 2); // as the real run would be
    auto fresh = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--fresh", "--dry-run"}));
    CHECK(lines_of(fresh.out).size() == 4);

    CHECK(server_log(server.port()).size() == requests);
    CHECK(read_text(state_of(out)) == state_before); // read, never written
    CHECK(fs::exists(data_file(out)));
}

TEST_CASE("durability: --resume or --incremental in another --format is exit 2 and touches nothing") {
    running_server server;
    temp_dir dir;
    const auto ids = ids_file(dir.path, "pytest\nsix\n");
    const auto out = dir.path / "p.jsonl";
    REQUIRE(run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--target", "1"})).exit_code == 0);
    const auto data = read_text(data_file(out)), state = read_text(state_of(out)), manifest = read_text(manifest_of(out));
    for (const char* mode : {"--resume", "--incremental"}) {
        auto r = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), mode, "--format", "chat"}));
        CHECK(r.exit_code == 2);
        CHECK_MESSAGE(r.err.find("harvest: --format chat: the dataset " + out.string() + " holds raw records; a run cannot mix formats") != std::string::npos,
                      r.err);
    }
    CHECK(read_text(data_file(out)) == data);
    CHECK(read_text(state_of(out)) == state);
    CHECK(read_text(manifest_of(out)) == manifest);
    auto same = run_process(pypi_args(server.port(), out, {"--ids", ids.string(), "--resume"}));
    CHECK_MESSAGE(same.exit_code == 0, same.err);
    CHECK(dataset_ids(dir.path / "p.jsonl").size() == 2);
}

TEST_CASE("durability: an --incremental run against an index listing 1,000 dead names sends no request for them") {
    fixture_catalog catalog(HARVEST_FIXTURE_DIR, 0, 1000);
    running_server server({}, catalog);
    temp_dir dir;
    const auto out = dir.path / "p.jsonl";
    auto first = run_process(pypi_args(server.port(), out, {"--progress", "never"}));
    CHECK(first.exit_code == 3); // the dead names fail: not found
    auto dead_requests = [&] {
        std::size_t n = 0;
        for (const auto& e : server_log(server.port())) n += e.target.find("/pypi/dead-project-") != std::string::npos;
        return n;
    };
    const auto before = dead_requests();
    CHECK(before >= 1000);
    auto nightly = run_process(pypi_args(server.port(), out, {"--incremental", "--progress", "never"}));
    CHECK(nightly.exit_code == 3); // they are still the dataset's failures
    CHECK(dead_requests() == before);
    CHECK(nightly.err.find("failures          0") != std::string::npos);
    auto retried = run_process(pypi_args(server.port(), out, {"--incremental", "--retry-failed", "--progress", "never"}));
    CHECK(retried.exit_code == 3);
    CHECK(dead_requests() >= before + 1000);
}
