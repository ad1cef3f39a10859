// `harvest collect` end to end: the harvest executable (a child process) against the fixture
// server on 127.0.0.1; outputs are read back and checked line by line.
#include "support/collect_run.hpp"
#include "support/test_server.hpp"

#include <csignal>
#include <fstream>
#include <thread>

using namespace harvest::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using harvest::fixture::fault_kind;
using harvest::fixture::fixture_options;

TEST_CASE("collect: the main job writes 100 glycan records, failures.jsonl and a manifest that matches them") {
    running_server server;
    temp_dir dir;
    const auto out = dir.path / "glycans.jsonl";
    auto r = run_process(harvest_args(server.port(), out, {"--target", "100", "--workers", "100", "--summary", (dir.path / "summary.json").string()}));
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto text = read_text(data_file(out));
    const auto ids = check_jsonl(text);
    CHECK(ids.size() == 100);
    CHECK(read_text(failures_of(out)).empty());

    simdjson::dom::parser parser;
    const auto manifest_text = read_text(manifest_of(out));
    auto manifest = parser.parse(manifest_text);
    REQUIRE(manifest.error() == simdjson::SUCCESS);
    CHECK(std::string_view(manifest["finish_reason"]) == "target_reached");
    CHECK(std::uint64_t(manifest["records"]) == 100);
    CHECK(std::uint64_t(manifest["files"].at(0)["records"]) == 100);
    CHECK(std::uint64_t(manifest["files"].at(0)["bytes"]) == text.size());
    CHECK(std::string_view(manifest["files"].at(0)["sha256"]) == sha256_hex(text));
    CHECK(std::uint64_t(manifest["schema_version"]) == 1);

    // The recorded GlyGen body for G17689DH comes through as typed fields.
    simdjson::dom::parser line_parser;
    bool seen = false;
    for (const auto& line : lines_of(text)) {
        auto doc = line_parser.parse(line);
        if (std::string_view(doc["id"]) != "G17689DH") continue;
        seen = true;
        CHECK(double(doc["record"]["mass"]) == 2368.84);
        CHECK(std::int64_t(doc["record"]["composition"].at(0)["count"]) == 4);
        CHECK(bool(doc["record"]["enriched"]));
    }
    CHECK(seen);
    auto summary = parser.parse(read_text(dir.path / "summary.json"));
    CHECK(std::uint64_t(summary["records"]) == 100);
}

TEST_CASE("collect --ids: duplicates harvested once, unknown accessions in failures.jsonl, exit 3") {
    running_server server;
    temp_dir dir;
    const auto ids = ids_file(dir.path, "# glycans to fetch\nG17689DH\n\nG22768VO  # the GlyCosmos example\nG99999ZZ\nG17689DH\n");
    const auto out = dir.path / "glycans.jsonl";
    auto r = run_process(harvest_args(server.port(), out, {"--ids", ids.string()}));
    CHECK(r.exit_code == 3);
    const auto written = check_jsonl(read_text(data_file(out)));
    CHECK(std::set<std::string>(written.begin(), written.end()) == std::set<std::string>{"G17689DH", "G22768VO"});
    const auto failures = lines_of(read_text(failures_of(out)));
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].find(R"("id":"G99999ZZ")") != std::string::npos);
    CHECK(failures[0].find("not found") != std::string::npos);
}

TEST_CASE("collect: credentials given in --header or --base-url never reach the outputs, the state, the logs or the messages") {
    running_server server;
    temp_dir dir;
    const auto ids = ids_file(dir.path, "G17689DH\nG99999ZZ\n"); // the unknown one puts a URL into failures.jsonl
    const auto out = dir.path / "glycans.jsonl";
    auto args = harvest_args(server.port(), out, {"--ids", ids.string(), "--header", "X-Api-Key: k3y-s3cret", "--log-level", "debug",
                                                  "--progress", "always", "--summary", (dir.path / "summary.json").string()});
    args[5] = "http://harvester:hunter2@127.0.0.1:" + std::to_string(server.port());
    auto r = run_process(args);
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    CHECK(check_jsonl(read_text(data_file(out))).size() == 1);
    CHECK(read_text(failures_of(out)).find("***@127.0.0.1") != std::string::npos);
    const auto manifest = read_text(manifest_of(out));
    CHECK(manifest.find("--header X-Api-Key: ***") != std::string::npos);
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir.path)) {
        if (!e.is_regular_file() || e.path() == ids) continue;
        ++files;
        const auto bytes = read_text(e.path());
        CHECK_MESSAGE(bytes.find("hunter2") == std::string::npos, e.path());
        CHECK_MESSAGE(bytes.find("k3y-s3cret") == std::string::npos, e.path());
    }
    CHECK(files >= 5); // output, failures, manifest, summary, state
    CHECK(r.err.find("hunter2") == std::string::npos);
    CHECK(r.err.find("k3y-s3cret") == std::string::npos);
    CHECK(r.out.find("hunter2") == std::string::npos);
}

TEST_CASE("collect: transient faults are retried and every target is written once") {
    // 20 % of requests fail; with 10 retries the chance that one of ~700 requests fails 11
    // times in a row is about 1e-5, so a failure here means retries are broken.
    fixture_options o;
    o.fault_rate = 0.2;
    o.faults = {fault_kind::http_500, fault_kind::http_503, fault_kind::reset_before, fault_kind::truncate, fault_kind::reset_mid};
    o.seed = 11;
    running_server server(o, synthesized_catalog());
    temp_dir dir;
    const auto out = dir.path / "glycans.jsonl";
    auto r = run_process(catalog_args(1000, server.port(), out, {"--target", "300", "--workers", "50", "--page-size", "70", "--retries", "10"}));
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(check_jsonl(read_text(data_file(out))).size() == 300);
    CHECK_MESSAGE(read_text(failures_of(out)).empty(), read_text(failures_of(out)));
}

TEST_CASE("collect --format text and --out - write natural-language lines to standard output") {
    running_server server;
    auto r = run_process(harvest_args(server.port(), "-", {"--ids", "-", "--format", "text"}), 30s, "G17689DH\n");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto ids = check_jsonl(r.out);
    REQUIRE(ids.size() == 1);
    CHECK(r.out.find("GlyTouCan accession G17689DH is a glycan classified as N-glycan (complex).") != std::string::npos);
    CHECK(r.out.find("Its monoisotopic mass is 2368.84 Da.") != std::string::npos);
    CHECK(r.err.find("records written   1") != std::string::npos); // the summary goes to stderr
}

TEST_CASE("collect --dry-run lists the targets and fetches none") {
    running_server server;
    temp_dir dir;
    const auto out = dir.path / "glycans.jsonl";
    auto r = run_process(harvest_args(server.port(), out, {"--dry-run", "--target", "10"}));
    CHECK(r.exit_code == 0);
    CHECK(lines_of(r.out).size() == 10);
    CHECK_FALSE(fs::exists(dataset_dir(out))); // a dry run makes nothing
    CHECK(server_log(server.port()).empty()); // the listing came from SPARQL; no glycan was fetched
}

TEST_CASE("collect: bad input gets a one-line error naming it, exit 2, and no output") {
    temp_dir dir;
    const auto out = dir.path / "glycans.jsonl";
    struct bad_case {
        std::vector<std::string> args;
        std::string expect;
    };
    const auto bad_ids = dir.path / "bad-ids.txt";
    std::ofstream(bad_ids) << "G17689DH\n../etc/passwd\n";
    const std::vector<bad_case> cases{
        {{"--workers", "0"}, "--workers"},
        {{"--batch-size", "abc"}, "--batch-size"},
        {{"--rate", "-1"}, "--rate"},
        {{"--format", "xml"}, "--format"},
        {{"--bogus"}, "--bogus"},
        {{"--ids", (dir.path / "missing.txt").string()}, "missing.txt: cannot read"},
        {{"--ids", bad_ids.string()}, "line 2: '../etc/passwd' is not a GlyTouCan accession"},
        {{"--header", "Authorization Bearer x"}, "--header 'Authorization ***': expected 'Name: value'"},
        {{"--header", "Bad Name: x"}, "--header 'Bad Name: x': expected 'Name: value'"},
    };
    for (const auto& c : cases) {
        INFO("case: " << c.expect);
        auto r = run_process(harvest_args(1, out, c.args));
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(c.expect) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    auto nowhere = run_process(harvest_args(1, dir.path / "no" / "such" / "dir.jsonl", {}));
    CHECK(nowhere.exit_code == 2);
    CHECK(nowhere.err.find("does not exist") != std::string::npos);
    auto unwritable = run_process(harvest_args(1, "/proc/glycans.jsonl", {}));
    CHECK(unwritable.exit_code == 2);
    CHECK_MESSAGE(unwritable.err.find("--out /proc/glycans.jsonl: cannot create files in directory /proc") != std::string::npos, unwritable.err);
    CHECK(std::count(unwritable.err.begin(), unwritable.err.end(), '\n') == 1);
    auto extension = run_process(harvest_args(1, dir.path / "glycans.csv", {}));
    CHECK(extension.exit_code == 2);
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(dir.path)) left.push_back(e.path().filename().string());
    CHECK(left == std::vector<std::string>{"bad-ids.txt"}); // nothing written, not even a temporary file
}

TEST_CASE("collect: SIGINT mid-run drains, writes only complete lines and a manifest saying interrupted") {
    fixture_options o;
    o.latency = 100ms;
    running_server server(o, synthesized_catalog());
    temp_dir dir;
    const auto out = dir.path / "glycans.jsonl";
    child_process harvest(catalog_args(1000, server.port(), out, {"--workers", "8", "--batch-size", "5", "--page-size", "50"}));
    std::this_thread::sleep_for(1500ms);
    harvest.signal(SIGINT);
    auto r = harvest.wait(30s);
    CHECK_MESSAGE(r.exit_code == 4, r.err);
    const auto text = read_text(data_file(out));
    const auto ids = check_jsonl(text);
    CHECK(ids.size() > 0);
    CHECK(ids.size() < 1100);
    simdjson::dom::parser parser;
    auto manifest = parser.parse(read_text(manifest_of(out)));
    CHECK(std::string_view(manifest["finish_reason"]) == "interrupted");
    CHECK(std::uint64_t(manifest["records"]) == ids.size());
    CHECK(std::string_view(manifest["files"].at(0)["sha256"]) == sha256_hex(text));
}

TEST_CASE("collect: shutdown is bounded: the drain timeout cancels stalled requests, a second signal stops at once") {
    fixture_options o;
    o.fault_rate = 1.0;
    o.faults = {fault_kind::stall};
    o.stall = 120s;
    running_server server(o);
    temp_dir dir;
    const std::string ids = (dir.path / "ids.txt").string();
    std::ofstream(ids) << "G17689DH\nG22768VO\nG00003VQ\nG00009BX\n";

    // One signal: requests in flight get --drain-timeout 1 s, then are cancelled.
    {
        child_process harvest(harvest_args(server.port(), dir.path / "a.jsonl", {"--drain-timeout", "1", "--ids", ids}));
        std::this_thread::sleep_for(500ms);
        const auto signalled = std::chrono::steady_clock::now();
        harvest.signal(SIGTERM);
        auto r = harvest.wait(20s);
        const auto took = std::chrono::steady_clock::now() - signalled;
        CHECK_MESSAGE(r.exit_code == 4, r.err);
        CHECK(took >= 900ms);  // it did wait for the drain
        CHECK(took < 10s);     // and no longer than the drain timeout plus the wind-down
        CHECK(read_text(failures_of(dir.path / "a.jsonl")).empty()); // cancelled targets are left for a later run, not failed
    }
    // Two signals: the second cancels at once, long before a 60 s drain would end.
    {
        child_process harvest(harvest_args(server.port(), dir.path / "b.jsonl", {"--drain-timeout", "60", "--ids", ids}));
        std::this_thread::sleep_for(500ms);
        harvest.signal(SIGINT);
        std::this_thread::sleep_for(200ms);
        const auto signalled = std::chrono::steady_clock::now();
        harvest.signal(SIGINT);
        auto r = harvest.wait(20s);
        CHECK_MESSAGE(r.exit_code == 4, r.err);
        CHECK(std::chrono::steady_clock::now() - signalled < 10s);
        simdjson::dom::parser parser;
        auto manifest = parser.parse(read_text(manifest_of(dir.path / "b.jsonl")));
        CHECK(std::string_view(manifest["finish_reason"]) == "interrupted");
    }
}


TEST_CASE("collect --source pypi: the PEP 691 index enumerates every recorded project, written under canonical ids") {
    running_server server;
    temp_dir dir;
    const auto out = dir.path / "pypi.jsonl";
    auto r = run_process(pypi_args(server.port(), out));
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto text = read_text(data_file(out));
    const auto ids = check_jsonl(text);
    CHECK(std::set<std::string>(ids.begin(), ids.end()) ==
          std::set<std::string>{"boolean-py", "cage", "celery", "distribute", "django-split-settings", "hbmqtt", "luigi", "pendulum",
                                "poetry", "psycopg2", "pytest", "requests", "six"});
    simdjson::dom::parser parser;
    for (const auto& line : lines_of(text)) {
        auto doc = parser.parse(line);
        if (std::string_view(doc["id"]) != "celery") continue;
        CHECK(simdjson::dom::array(doc["record"]["requires_dist"]).size() == 42);
        CHECK(std::uint64_t(doc["record"]["last_serial"]) == 6308640);
        CHECK(std::uint64_t(doc["record"]["release_count"]) == 150);
    }
}

TEST_CASE("collect --source pypi --follow-deps: the dependency closure, once each, bounded by --target") {
    running_server server;
    temp_dir dir;
    const auto ids = dir.path / "seeds.txt";
    std::ofstream(ids) << "poetry\npytest\n";
    auto r = run_process(pypi_args(server.port(), dir.path / "all.jsonl", {"--ids", ids.string(), "--follow-deps"}));
    CHECK(r.exit_code == 3); // requirements the replay does not know are 404s
    const auto written = check_jsonl(read_text(data_file(dir.path / "all.jsonl")));
    CHECK(std::set<std::string>(written.begin(), written.end()) == std::set<std::string>{"poetry", "requests", "pytest", "six"});
    const auto failures = lines_of(read_text(failures_of(dir.path / "all.jsonl")));
    CHECK(failures.size() > 10);
    for (const auto& f : failures) CHECK(f.find("not found (HTTP 404)") != std::string::npos);

    auto bounded = run_process(pypi_args(server.port(), dir.path / "three.jsonl", {"--ids", ids.string(), "--follow-deps", "--target", "3"}));
    CHECK(check_jsonl(read_text(data_file(dir.path / "three.jsonl"))).size() == 3);
    CHECK(bounded.err.find("target_reached") != std::string::npos);
}

TEST_CASE("collect --source pypi: name==version fetches one release and bad names are refused up front") {
    running_server server;
    temp_dir dir;
    auto r = run_process(pypi_args(server.port(), dir.path / "black.jsonl", {"--ids", "-"}), 30s, "black==21.11b0\nblack==99.0\n");
    CHECK(r.exit_code == 3);
    const auto text = read_text(data_file(dir.path / "black.jsonl"));
    CHECK(check_jsonl(text) == std::vector<std::string>{"black==21.11b0"});
    CHECK(text.find(R"("yanked":true,"yanked_reason":"Broken regex dependency. Use 21.11b1 instead.")") != std::string::npos);
    CHECK(read_text(failures_of(dir.path / "black.jsonl")).find(R"({"id":"black==99.0","source":"pypi")") != std::string::npos);

    auto bad = run_process(pypi_args(server.port(), dir.path / "bad.jsonl", {"--ids", "-"}), 30s, "requests\n../../etc\n");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("line 2: '../../etc' is not a PyPI project name") != std::string::npos);
    auto extras = run_process(pypi_args(server.port(), dir.path / "extras.jsonl", {"--ids", "-"}), 30s, "celery[redis\n");
    CHECK(extras.exit_code == 2);
    CHECK_MESSAGE(extras.err.find("line 1: 'celery[redis' has no closing ']' after its extras (expected name[extra,...])") != std::string::npos, extras.err);
}


TEST_CASE("collect: every format and compression reads back line by line, the manifest's checksums match the files") {
    running_server server;
    temp_dir dir;
    for (std::string format : {"raw", "text", "chat"}) {
        for (std::string ext : {".jsonl", ".jsonl.gz", ".jsonl.zst"}) {
            INFO(format << ext);
            const auto out = dir.path / (format + "_" + std::to_string(ext.size()) + ext); // one dataset directory each
            auto r = run_process(harvest_args(server.port(), out, {"--target", "25", "--format", format}));
            REQUIRE_MESSAGE(r.exit_code == 0, r.err);
            const auto ids = check_jsonl(decompressed(data_file(out)));
            CHECK(ids.size() == 25);
            const auto files = manifest_files(manifest_of(out));
            REQUIRE(files.size() == 1);
            CHECK(files.begin()->first == out.filename().string());
            CHECK(files.begin()->second == sha256_hex(read_text(data_file(out))));
        }
    }
}

TEST_CASE("collect --shard-size: numbered shards, and a --resume run continues the numbering and never overwrites") {
    running_server server(fixture_options{}, synthesized_catalog());
    temp_dir dir;
    const auto out = dir.path / "glycans.jsonl.zst";
    auto first = run_process(catalog_args(1000, server.port(), out, {"--target", "100", "--shard-size", "40"}));
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    const auto first_files = manifest_files(manifest_of(out));
    CHECK(first_files.size() == 3);
    CHECK(first_files.contains("glycans-00001.jsonl.zst"));
    CHECK(first_files.contains("glycans-00003.jsonl.zst"));
    std::map<std::string, std::string> before;
    for (const auto& [name, sha] : first_files) before[name] = sha256_hex(read_text(dataset_dir(out) / name));
    CHECK(before == first_files);

    // The same command again is refused: the dataset has state, and nothing is touched.
    auto again = run_process(catalog_args(1000, server.port(), out, {"--target", "100", "--shard-size", "40"}));
    CHECK(again.exit_code == 2);
    CHECK(again.err.find("use --resume to continue it, --incremental to update it, or --fresh to start over") != std::string::npos);
    CHECK(manifest_files(manifest_of(out)) == first_files);

    auto second = run_process(catalog_args(1000, server.port(), out, {"--target", "200", "--shard-size", "40", "--resume"}));
    REQUIRE_MESSAGE(second.exit_code == 0, second.err);
    const auto second_files = manifest_files(manifest_of(out));
    CHECK(second_files.size() == 6);
    CHECK(second_files.contains("glycans-00004.jsonl.zst"));
    CHECK(second_files.contains("glycans-00006.jsonl.zst"));
    for (const auto& [name, sha] : before) CHECK(sha256_hex(read_text(dataset_dir(out) / name)) == sha); // untouched
    std::set<std::string> ids;
    std::size_t lines = 0;
    for (const auto& [name, sha] : second_files) {
        CHECK(sha256_hex(read_text(dataset_dir(out) / name)) == sha);
        for (auto& id : check_jsonl(decompressed(dataset_dir(out) / name))) {
            ids.insert(id);
            ++lines;
        }
    }
    CHECK(lines == 200);
    CHECK(ids.size() == 200); // the resumed run skipped what the first wrote
}

TEST_CASE("collect --split: the same id lands in the same split on every run") {
    running_server server(fixture_options{}, synthesized_catalog());
    temp_dir a, b;
    const std::vector<std::string> flags{"--split", "train=0.8,val=0.1,test=0.1", "--page-size", "300"};
    REQUIRE(run_process(catalog_args(1000, server.port(), a.path / "g.jsonl", flags)).exit_code == 0);
    REQUIRE(run_process(catalog_args(1000, server.port(), b.path / "g.jsonl", {"--split", "train=0.8,val=0.1,test=0.1", "--workers", "7"})).exit_code == 0);
    std::map<std::string, std::string> split_of;
    for (std::string split : {"train", "val", "test"}) {
        for (const auto& id : check_jsonl(read_text(a.path / "g" / ("g." + split + ".jsonl")))) split_of[id] = split;
    }
    CHECK(split_of.size() == 1100);
    std::size_t same = 0, train = 0;
    for (std::string split : {"train", "val", "test"}) {
        for (const auto& id : check_jsonl(read_text(b.path / "g" / ("g." + split + ".jsonl")))) {
            same += split_of[id] == split;
            train += split == "train";
        }
    }
    CHECK(same == 1100);
    CHECK(train > 800);
    CHECK(train < 960);

    auto bad = run_process(catalog_args(1000, server.port(), a.path / "x.jsonl", {"--split", "train=0.9,val=0.2"}));
    CHECK(bad.exit_code == 2);
    CHECK_MESSAGE(bad.err.find("harvest: --split train=0.9,val=0.2: fractions sum to") != std::string::npos, bad.err);
}

TEST_CASE("collect: without a terminal, progress is a log line per interval, as text or JSON") {
    fixture_options o;
    o.latency = 100ms;
    running_server server(o, synthesized_catalog());
    temp_dir dir;
    auto r = run_process(catalog_args(1000, server.port(), dir.path / "g.jsonl", {"--target", "60", "--workers", "5", "--progress-interval", "0.2"}));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("/60 records, ") != std::string::npos);
    CHECK(r.err.find(" in flight, ") != std::string::npos);
    CHECK(r.err.find("ETA ") != std::string::npos);
    auto j = run_process(catalog_args(1000, server.port(), dir.path / "h.jsonl", {"--target", "60", "--workers", "5", "--progress-interval", "0.2",
                                                                            "--log-format", "json"}));
    REQUIRE(j.exit_code == 0);
    simdjson::dom::parser parser;
    std::size_t json_lines = 0;
    for (const auto& line : lines_of(j.err)) {
        if (!line.starts_with("{")) continue;
        auto doc = parser.parse(line);
        REQUIRE(doc.error() == simdjson::SUCCESS);
        CHECK(std::string_view(doc["level"]) == "info");
        ++json_lines;
    }
    CHECK(json_lines >= 2);
    auto quiet = run_process(catalog_args(1000, server.port(), dir.path / "q.jsonl", {"--target", "20", "--progress", "never", "--progress-interval", "0.1"}));
    CHECK(quiet.err.find("records, ") == std::string::npos);
}

TEST_CASE("collect --config: every flag can live in a TOML file, flags win, bad files are one-line errors") {
    running_server server;
    temp_dir dir;
    const auto config = dir.path / "harvest.toml";
    std::ofstream(config) << "# a cron job's settings\nsource = \"glytoucan\"\nbase-url = \"http://127.0.0.1:" << server.port()
                          << "\"\nsparql-url = \"" << recorded_virtuoso().endpoint() << "\"\ntarget = 20\nworkers = 10\nout = \"" << (dir.path / "g.jsonl.gz").string() << "\"\nno-enrich = true\n"
                          << "split = \"train=0.5,test=0.5\"\nmetrics-file = \"" << (dir.path / "harvest.prom").string() << "\"\n";
    auto r = run_process({HARVEST_EXE, "collect", "--config", config.string(), "--target", "15"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::size_t written = 0;
    for (std::string split : {"train", "test"}) written += check_jsonl(decompressed(dataset_dir(dir.path / "g.jsonl.gz") / ("g." + split + ".jsonl.gz"))).size();
    CHECK(written == 15); // --target on the command line beat the file's 20
    for (const auto& e : server_log(server.port())) CHECK(e.route != "glygen"); // no-enrich from the file

    // The metrics file: Prometheus text format with the run's figures.
    const auto metrics = read_text(dir.path / "harvest.prom");
    CHECK(metrics.find("# TYPE harvest_records_written gauge\nharvest_records_written{source=\"glytoucan\"} 15\n") != std::string::npos);
    CHECK(metrics.find("harvest_failures{source=\"glytoucan\"} 0\n") != std::string::npos);
    CHECK(metrics.find("harvest_requests{source=\"glytoucan\",status=\"200\"} 1\n") != std::string::npos); // one SPARQL page holds them all
    CHECK(metrics.find("harvest_last_success_timestamp_seconds{source=\"glytoucan\"} ") != std::string::npos);
    CHECK(metrics.find("harvest_run_finished_timestamp_seconds{source=\"glytoucan\",reason=\"target_reached\"} ") != std::string::npos);

    struct bad_file {
        std::string toml, expect;
    };
    for (const auto& [toml, expect] : std::vector<bad_file>{{"workers = \"many\"\n", "--workers"},
                                                          {"workers = 5\nbogus = 1\n", "--config: unknown key 'bogus'"},
                                                          {"workers = [5\n", "--config: line 1"},
                                                          {"[collect]\nworkers = 5\n", "sections are not used"}}) {
        INFO(toml);
        std::ofstream(dir.path / "bad.toml") << toml;
        auto bad = run_process({HARVEST_EXE, "collect", "--source", "glytoucan", "--config", (dir.path / "bad.toml").string(),
                                "--base-url", "http://127.0.0.1:1", "--out", (dir.path / "never.jsonl").string()});
        CHECK(bad.exit_code == 2);
        CHECK(bad.err.find(expect) != std::string::npos);
        CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
        CHECK_FALSE(fs::exists(dir.path / "never")); // not even the dataset's directory
    }
}

TEST_CASE("collect --metrics-file: a failed run keeps the last success time of the run before") {
    fixture_options o;
    o.fault_rate = 1.0;
    o.faults = {fault_kind::http_500};
    running_server server(o);
    temp_dir dir;
    const auto metrics = dir.path / "harvest.prom";
    std::ofstream(metrics) << "harvest_last_success_timestamp_seconds{source=\"glytoucan\"} 1700000000\n";
    const auto failing_sparql = "http://127.0.0.1:" + std::to_string(server.port()) + "/sparql";
    auto r = run_process(harvest_args(server.port(), dir.path / "g.jsonl", {"--sparql-url", failing_sparql, "--retries", "0", "--metrics-file", metrics.string()}));
    CHECK(r.exit_code == 1); // the enumeration failed
    const auto text = read_text(metrics);
    CHECK(text.find("harvest_run_finished_timestamp_seconds{source=\"glytoucan\",reason=\"failed\"} ") != std::string::npos);
    CHECK(text.find("harvest_last_success_timestamp_seconds{source=\"glytoucan\"} 1700000000\n") != std::string::npos);
    CHECK_FALSE(fs::exists(data_file(dir.path / "g.jsonl")));
}

TEST_CASE("collect: when GlyGen fails, records are written unenriched and incomplete, and --resume asks GlyGen again") {
    running_server glygen_down(failing_with(fault_kind::http_500));
    running_server server;
    temp_dir dir;
    const auto out = dir.path / "g.jsonl";
    const auto summary = (dir.path / "summary.json").string();
    const auto glygen_down_url = "http://127.0.0.1:" + std::to_string(glygen_down.port());
    auto first = run_process(harvest_args(server.port(), out, {"--glygen-url", glygen_down_url, "--retries", "1", "--summary", summary, "--progress", "never"}), 60s);
    REQUIRE_MESSAGE(first.exit_code == 0, first.err); // nothing lost: every glycan has its sequences
    CHECK(first.err.find("incomplete        100  (written without part of their data") != std::string::npos);
    simdjson::dom::parser parser;
    CHECK(std::uint64_t(parser.parse(read_text(summary))["incomplete"]) == 100);
    const auto lines = lines_of(read_text(data_file(out)));
    REQUIRE(lines.size() == 100);
    for (const auto& line : lines) CHECK(line.find("\"enriched\":false") != std::string::npos);
    CHECK(read_text(failures_of(out)).empty());

    auto resumed = run_process(harvest_args(server.port(), out, {"--resume", "--summary", summary, "--progress", "never"}), 60s);
    REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
    std::size_t glygen_asked = 0;
    for (const auto& e : server_log(server.port())) glygen_asked += e.route == "glygen";
    CHECK(glygen_asked == 100); // every incomplete record, and nothing else
    auto s = parser.parse(read_text(summary));
    CHECK(std::uint64_t(s["incomplete"]) == 0);
    const auto enriched_now = std::uint64_t(s["records"]); // GlyGen knows these: a new line supersedes each
    CHECK(enriched_now > 0);
    CHECK(dataset_ids(dir.path / "g.jsonl").size() == 100 + enriched_now); // the first run's file and the resumed run's

    const auto latest = dir.path / "latest.jsonl";
    auto exported = run_process({HARVEST_EXE, "export", "--manifest", (manifest_of(out)).string(), "--latest", latest.string()});
    REQUIRE_MESSAGE(exported.exit_code == 0, exported.err);
    const auto ids = check_jsonl(read_text(data_file(latest))); // each glycan once
    std::size_t enriched = 0;
    for (const auto& line : lines_of(read_text(data_file(latest)))) enriched += line.find("\"enriched\":true") != std::string::npos;
    CHECK(manifest_files(manifest_of(latest)).size() == 1); // the snapshot is a dataset: its file, manifest and card
    CHECK(fs::exists(dataset_dir(latest) / "README.md"));
    auto again_gz = run_process({HARVEST_EXE, "export", "--dataset", dataset_dir(out).string(), "--latest", (dir.path / "latest.jsonl.gz").string()});
    CHECK_MESSAGE(again_gz.exit_code == 0, again_gz.err); // replaces the earlier snapshot, whose other file goes
    CHECK(manifest_files(manifest_of(latest)) == std::map<std::string, std::string>{{"latest.jsonl.gz", sha256_hex(read_text(dataset_dir(latest) / "latest.jsonl.gz"))}});
    CHECK_FALSE(fs::exists(data_file(latest)));
    auto onto = run_process({HARVEST_EXE, "export", "--dataset", dataset_dir(out).string(), "--latest", out.string()});
    CHECK(onto.exit_code == 2); // never into a harvest dataset
    CHECK_MESSAGE(onto.err.find("is a harvest dataset, not a snapshot") != std::string::npos, onto.err);
    CHECK(ids.size() == 100);
    CHECK(enriched == enriched_now);
    auto again = run_process(harvest_args(server.port(), out, {"--resume", "--progress", "never"}), 60s);
    CHECK(again.exit_code == 0);
    CHECK(again.err.find("records written   0") != std::string::npos); // complete now: nothing to ask again
}

TEST_CASE("collect --source pypi: a 200 with a malformed body is asked again, and one malformed on every attempt fails saying so") {
    fixture_options o;
    o.fault_rate = 0.5;
    o.faults = {fault_kind::malformed};
    o.seed = 5;
    running_server flaky(o);
    temp_dir dir;
    const std::string names = "cage\nboolean.py\ncelery\ndistribute\ndjango-split-settings\nhbmqtt\nluigi\npendulum\npoetry\npsycopg2\npytest\nrequests\nsix\n";
    auto r = run_process(pypi_args(flaky.port(), dir.path / "p.jsonl", {"--ids", "-", "--retries", "10"}), 60s, names);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(check_jsonl(read_text(data_file(dir.path / "p.jsonl"))).size() == 13);
    CHECK_MESSAGE(read_text(failures_of(dir.path / "p.jsonl")).empty(), read_text(failures_of(dir.path / "p.jsonl")));
    std::size_t malformed = 0;
    for (const auto& e : server_log(flaky.port())) malformed += e.fault == "malformed";
    CHECK(malformed > 0); // the faults did happen, and were asked again

    o.fault_rate = 1.0;
    running_server broken(o);
    auto b = run_process(pypi_args(broken.port(), dir.path / "b.jsonl", {"--ids", "-", "--retries", "2"}), 60s, "six\n");
    CHECK(b.exit_code == 3);
    const auto failures = read_text(failures_of(dir.path / "b.jsonl"));
    CHECK_MESSAGE(failures.find("(HTTP 200, on each of 3 attempts)") != std::string::npos, failures);
    CHECK(server_log(broken.port()).size() == 3);
}

TEST_CASE("collect: --ids must be a file of ids (a directory is exit 2), and a UTF-8 byte order mark is skipped") {
    running_server server;
    temp_dir dir;
    auto d = run_process(pypi_args(server.port(), dir.path / "d.jsonl", {"--ids", dir.path.string()}));
    CHECK(d.exit_code == 2);
    CHECK_MESSAGE(d.err.find("--ids " + dir.path.string() + ": is a directory; expected a file of ids, one per line") != std::string::npos, d.err);
    CHECK_FALSE(fs::exists(dir.path / "d"));
    const auto ids = dir.path / "bom.txt";
    std::ofstream(ids) << "\xEF\xBB\xBFpytest\nsix\n";
    auto b = run_process(pypi_args(server.port(), dir.path / "b.jsonl", {"--ids", ids.string()}));
    CHECK_MESSAGE(b.exit_code == 0, b.err);
    CHECK(check_jsonl(read_text(data_file(dir.path / "b.jsonl"))).size() == 2);
}

TEST_CASE("collect: a flag given a word where a number belongs says so, and so does one out of its range, exit 2") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--workers", "abc"}, "harvest: --workers: 'abc' is not a number (expected a whole number from 1 to 1000)"},
        {{"--workers", "0"}, "harvest: --workers: 0 is out of range (expected a whole number from 1 to 1000)"},
        {{"--batch-size", "1.5"}, "harvest: --batch-size: 1.5 is not a whole number (expected a whole number from 1 to 1000000)"},
        {{"--timeout", "x"}, "harvest: --timeout: 'x' is not a number (expected a number from 0.001 to 86400)"},
        {{"--rate", "abc"}, "harvest: --rate: 'abc' is not a number (expected a number > 0)"},
        {{"--follow-deps", "--python-version", "3"}, "harvest: --python-version '3': expected a Python version as MAJOR.MINOR, e.g. 3.12"},
        {{"--follow-deps", "--platform", "beos"}, "--platform"},
    };
    for (const auto& [flags, message] : cases) {
        std::vector<std::string> args{HARVEST_EXE, "collect", "--source", "pypi"};
        args.insert(args.end(), flags.begin(), flags.end());
        const auto r = run_process(args);
        CHECK(r.exit_code == 2);
        CHECK_MESSAGE(r.err.find(message) != std::string::npos, r.err);
    }
}

TEST_CASE("collect --progress always draws the bar even when stderr is no terminal") {
    running_server server;
    temp_dir dir;
    auto r = run_process(pypi_args(server.port(), dir.path / "p.jsonl", {"--ids", "-", "--progress", "always"}), 30s, "pytest\n");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find("\r\x1b[K") != std::string::npos); // the bar's redraw (and its clearing before the summary)
}

TEST_CASE("collect: a URL that is not http(s) and an output path in a missing directory are exit 2 before any request, and leave nothing") {
    running_server server;
    temp_dir dir;
    const auto out = (dir.path / "p.jsonl").string();
    const std::string missing = (dir.path / "missing").string();
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--base-url", "ftp://mirror.example.org"}, "harvest: --base-url 'ftp://mirror.example.org': not an http or https URL"},
        {{"--summary", missing + "/s.json"}, "harvest: --summary " + missing + "/s.json: directory " + missing + " does not exist"},
        {{"--metrics-file", missing + "/m.prom"}, "harvest: --metrics-file " + missing + "/m.prom: directory " + missing + " does not exist"},
        {{"--state", missing + "/s.sqlite"}, "harvest: --state " + missing + "/s.sqlite: directory " + missing + " does not exist"},
        {{"--summary", dir.path.string()}, "harvest: --summary " + dir.path.string() + ": is a directory; expected a file path"},
    };
    for (const auto& [flags, message] : cases) {
        std::vector<std::string> args{HARVEST_EXE, "collect", "--source", "pypi", "--out", out, "--ids", "-"};
        if (flags.front() != "--base-url") args.insert(args.end(), {"--base-url", "http://127.0.0.1:" + std::to_string(server.port())});
        args.insert(args.end(), flags.begin(), flags.end());
        const auto r = run_process(args, 30s, "six\n");
        CHECK(r.exit_code == 2);
        CHECK_MESSAGE(r.err.find(message) != std::string::npos, r.err);
        CHECK(fs::is_empty(dir.path));
    }
    CHECK(server_log(server.port()).empty());
}

TEST_CASE("collect: a run that wrote no record leaves no dataset in the way: a plain rerun starts it over") {
    running_server broken(failing_with(fault_kind::http_500));
    running_server working;
    temp_dir dir;
    const auto out = dir.path / "p.jsonl";
    auto first = run_process(pypi_args(broken.port(), out, {"--ids", "-", "--retries", "0"}), 30s, "six\n");
    CHECK(first.exit_code == 3);
    auto rerun = run_process(pypi_args(working.port(), out, {"--ids", "-"}), 30s, "six\n");
    CHECK_MESSAGE(rerun.exit_code == 0, rerun.err);
    CHECK(rerun.err.find("wrote no record: starting the dataset over") != std::string::npos);
    CHECK(check_jsonl(read_text(data_file(out))) == std::vector<std::string>{"six"});
    CHECK(read_text(failures_of(out)).empty());
    // Once a run has written records, a plain rerun still refuses to touch them (exit 2).
    auto again = run_process(pypi_args(working.port(), out, {"--ids", "-"}), 30s, "six\n");
    CHECK(again.exit_code == 2);
}

TEST_CASE("collect --exclude skips its ids whether given by --ids or enumerated, and --dry-run counts them") {
    running_server server;
    temp_dir dir;
    const auto ids = ids_file(dir.path, "pytest\nsix\nrequests\ncelery\n");
    const auto excluded = dir.path / "exclude.txt";
    std::ofstream(excluded) << "# not these\nSix\nrequests\n"; // the same syntax, names normalized as --ids' are
    auto given = run_process(pypi_args(server.port(), dir.path / "p.jsonl", {"--ids", ids.string(), "--exclude", excluded.string()}));
    CHECK_MESSAGE(given.exit_code == 0, given.err);
    const auto written = check_jsonl(read_text(data_file(dir.path / "p.jsonl")));
    CHECK(std::set<std::string>(written.begin(), written.end()) == std::set<std::string>{"pytest", "celery"});
    for (const auto& e : server_log(server.port())) CHECK(e.target.find("/pypi/six/") == std::string::npos);
    auto dry = run_process(pypi_args(server.port(), dir.path / "q.jsonl", {"--ids", ids.string(), "--exclude", excluded.string(), "--dry-run"}));
    CHECK(lines_of(dry.out) == std::vector<std::string>{"pytest", "celery"});
    CHECK(dry.err.find(", 2 excluded; nothing was fetched") != std::string::npos);

    // Enumerated: the first three listed glycans are excluded from the first ten.
    auto listing = run_process(harvest_args(server.port(), dir.path / "all.jsonl", {"--dry-run", "--target", "13"}));
    const auto listed = lines_of(listing.out);
    REQUIRE(listed.size() == 13);
    const auto skip = dir.path / "skip.txt";
    std::ofstream(skip) << listed[0] << '\n' << listed[1] << '\n' << listed[2] << '\n';
    auto enumerated = run_process(harvest_args(server.port(), dir.path / "g.jsonl", {"--target", "10", "--exclude", skip.string()}));
    CHECK_MESSAGE(enumerated.exit_code == 0, enumerated.err);
    const auto glycans = check_jsonl(read_text(data_file(dir.path / "g.jsonl")));
    CHECK(std::set<std::string>(glycans.begin(), glycans.end()) == std::set<std::string>(listed.begin() + 3, listed.end()));

    auto bad = run_process(pypi_args(server.port(), dir.path / "r.jsonl", {"--ids", ids.string(), "--exclude", dir.path.string()}));
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--exclude " + dir.path.string() + ": is a directory") != std::string::npos);
}

TEST_CASE("collect: one directory per dataset: a file or a foreign folder in its place, another compression, or the old layout is exit 2 and touches nothing") {
    running_server server;
    temp_dir dir;
    const auto ids = ids_file(dir.path, "six\npytest\n");
    auto collect = [&](const fs::path& out, std::vector<std::string> extra) {
        extra.insert(extra.begin(), {"--ids", ids.string(), "--progress", "never"});
        return run_process(pypi_args(server.port(), out, std::move(extra)));
    };
    const auto out = dir.path / "p.jsonl";
    REQUIRE(collect(out, {}).exit_code == 0);
    // The per-target log: a line per target of the run, its bytes those of the line it wrote.
    std::map<std::string, std::size_t> line_size;
    for (const auto& line : lines_of(read_text(data_file(out)))) line_size[line.substr(7, line.find('"', 7) - 7)] = line.size() + 1;
    simdjson::dom::parser parser;
    std::set<std::string> logged;
    for (const auto& line : lines_of(read_text(dataset_dir(out) / ".harvest" / "targets.jsonl"))) {
        auto doc = parser.parse(line);
        const auto id = std::string(std::string_view(doc["id"]));
        logged.insert(id);
        CHECK(std::int64_t(doc["run"]) == 1);
        CHECK(std::string_view(doc["status"]) == "written");
        CHECK(std::int64_t(doc["attempts"]) == 1);
        CHECK(std::uint64_t(doc["bytes"]) == line_size.at(id));
    }
    CHECK(logged == std::set<std::string>{"six", "pytest"});
    const auto manifest = read_text(manifest_of(out));

    auto other_compression = collect(dir.path / "p.jsonl.gz", {"--resume"});
    CHECK(other_compression.exit_code == 2);
    CHECK_MESSAGE(other_compression.err.find("holds p.jsonl; this run would write .jsonl.gz files beside it (a dataset keeps one compression") != std::string::npos,
                  other_compression.err);
    CHECK(read_text(manifest_of(out)) == manifest);

    std::ofstream(dir.path / "file") << "not a directory\n";
    auto file = collect(dir.path / "file.jsonl", {});
    CHECK(file.exit_code == 2);
    CHECK_MESSAGE(file.err.find("goes into the directory " + (dir.path / "file").string() + ", which is a file") != std::string::npos, file.err);
    fs::create_directories(dir.path / "mine");
    std::ofstream(dir.path / "mine" / "notes.txt") << "a user's own files\n";
    auto foreign = collect(dir.path / "mine.jsonl", {});
    CHECK(foreign.exit_code == 2);
    CHECK_MESSAGE(foreign.err.find("which holds other files and no .harvest/ (not a harvest dataset") != std::string::npos, foreign.err);
    CHECK(std::vector<fs::path>(fs::directory_iterator(dir.path / "mine"), fs::directory_iterator()).size() == 1);

    // A dataset of the earlier layout: data, state and lock beside each other.
    const auto old = dir.path / "old.jsonl";
    const auto old_state = dir.path / "old.jsonl.state.sqlite";
    REQUIRE(collect(old, {"--state", old_state.string()}).exit_code == 0);
    fs::rename(data_file(old), old);
    fs::remove_all(dataset_dir(old));
    auto refused = collect(old, {"--resume"});
    CHECK(refused.exit_code == 2);
    CHECK_MESSAGE(refused.err.find(old_state.string() + " is the state of a dataset in harvest's earlier layout") != std::string::npos, refused.err);
    CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
    CHECK(fs::exists(old));
    CHECK_FALSE(fs::exists(dataset_dir(old)));
    auto fresh = collect(old, {"--fresh"});
    CHECK_MESSAGE(fresh.exit_code == 0, fresh.err);
    CHECK_FALSE(fs::exists(old));
    CHECK_FALSE(fs::exists(old_state));
    CHECK_FALSE(fs::exists(old_state.string() + ".lock"));
    CHECK(dataset_ids(old).size() == 2);
}

TEST_CASE("collect --source pypi: without the deprecated releases, versions come from the PEP 691 page, and every record equals the one from the recorded shape") {
    harvest::fixture::fixture_catalog today(HARVEST_FIXTURE_DIR, 0, 0, harvest::fixture::pypi_json_shape::without_releases);
    running_server recorded_server, today_server(fixture_options{}, today);
    temp_dir dir;
    const std::string names = "cage\nboolean.py\ncelery\ndistribute\ndjango-split-settings\nhbmqtt\nluigi\npendulum\npoetry\npsycopg2\npytest\n"
                              "requests\nsix\nblack==21.11b0\n";
    auto a = run_process(pypi_args(recorded_server.port(), dir.path / "recorded.jsonl", {"--ids", "-"}), 60s, names);
    auto b = run_process(pypi_args(today_server.port(), dir.path / "today.jsonl", {"--ids", "-"}), 60s, names);
    REQUIRE_MESSAGE(a.exit_code == 0, a.err);
    REQUIRE_MESSAGE(b.exit_code == 0, b.err);
    auto routes = [](std::uint16_t port) {
        std::map<std::string, int> n;
        for (const auto& e : server_log(port)) ++n[e.route];
        return n;
    };
    // One request per project with releases; the index page besides for today's shape and a release.
    CHECK(routes(recorded_server.port()) == std::map<std::string, int>{{"pypi_project", 13}, {"pypi_release", 1}, {"simple_project", 1}});
    CHECK(routes(today_server.port()) == std::map<std::string, int>{{"pypi_project", 13}, {"pypi_release", 1}, {"simple_project", 14}});

    simdjson::dom::parser pa, pb;
    const auto lines_a = lines_of(read_text(data_file(dir.path / "recorded.jsonl")));
    std::map<std::string, std::string> by_id;
    for (const auto& line : lines_of(read_text(data_file(dir.path / "today.jsonl")))) by_id[line.substr(7, line.find('"', 7) - 7)] = line;
    REQUIRE(lines_a.size() == 14);
    std::size_t compared = 0;
    for (const auto& line : lines_a) {
        const auto id = line.substr(7, line.find('"', 7) - 7);
        INFO(id);
        REQUIRE(by_id.contains(id));
        simdjson::dom::object ra = pa.parse(line)["record"], rb = pb.parse(by_id[id])["record"];
        CHECK(std::string_view(rb["versions_from"]) == "index_api");
        CHECK(std::string_view(ra["versions_from"]) == (id.find("==") == std::string::npos ? "json_api" : "index_api"));
        std::size_t fields = 0;
        for (auto [key, value] : ra) {
            if (key == "versions_from") continue;
            INFO(key);
            CHECK(simdjson::minify(value) == simdjson::minify(rb[key].value()));
            ++fields;
        }
        std::size_t fields_b = 0;
        for (auto [key, value] : rb) fields_b += key != "versions_from" && key != "project_status";
        CHECK(fields == fields_b); // nothing only one shape has, but where the record came from
        CHECK(fields >= 14);
        ++compared;
    }
    CHECK(compared == 14);
    CHECK(by_id["black==21.11b0"].find(R"("versions":["21.11b0"],"release_count":1)") != std::string::npos); // no longer [] and 0
}
