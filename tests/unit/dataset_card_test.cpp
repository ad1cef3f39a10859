#include <harvest/export/dataset_card.hpp>

#include <doctest/doctest.h>

using namespace harvest::exporting;

namespace {

manifest two_runs() {
    manifest m;
    m.version = "0.1.0";
    m.command_line = "harvest collect --out 'my: data\"set'.jsonl --header 'Authorization: ***'";
    m.source = "pypi";
    m.format = "chat";
    m.schema_version = 1;
    m.files = {{"a.train.jsonl", 1, "train", 7, 100, "x"}, {"a.val.jsonl", 1, "val", 2, 30, "y"}, {"a.train-00002.jsonl", 2, "train", 3, 40, "z"}};
    m.runs = {{1, "full", "t0", "t1", "complete", 9, 0, 0}, {2, "incremental", "t2", "t3", "complete", 3, 6, 0}};
    return m;
}

} // namespace

TEST_CASE("dataset card: data_files per split list every file of every run, counts per split, names quoted as YAML strings") {
    const auto card = dataset_card(two_runs(), "my: data\"set", {"pypi.org", "other", "the terms"});
    CHECK(card.starts_with("---\npretty_name: \"my: data\\\"set\"\nlicense: \"other\"\n"));
    CHECK(card.find("  - split: \"train\"\n    path:\n    - \"a.train.jsonl\"\n    - \"a.train-00002.jsonl\"\n") != std::string::npos);
    CHECK(card.find("  - split: \"val\"\n    path:\n    - \"a.val.jsonl\"\n") != std::string::npos);
    CHECK(card.find("  - name: \"train\"\n    num_examples: 10\n") != std::string::npos);
    CHECK(card.find("  - name: messages\n    list:\n") != std::string::npos); // chat's columns declared
    CHECK(card.find("a record can appear more than once") != std::string::npos); // two runs: versions
    CHECK(card.find("the terms") != std::string::npos);
    CHECK(card.find("--header 'Authorization: ***'") != std::string::npos); // the manifest's redacted command, as it is
}

TEST_CASE("dataset card: one run without --split is the split train, and raw declares no columns, so the library infers them") {
    auto m = two_runs();
    m.format = "raw";
    m.files = {{"g.jsonl", 1, "all", 5, 10, "x"}};
    m.runs.resize(1);
    const auto card = dataset_card(m, "g", {"GlyTouCan", "cc-by-4.0", "CC BY 4.0"});
    CHECK(card.find("  - split: \"train\"\n    path:\n    - \"g.jsonl\"\n") != std::string::npos);
    CHECK(card.find("features:") == std::string::npos);
    CHECK(card.find("more than once") == std::string::npos);
}

TEST_CASE("dataset card: a snapshot (no runs of its own) says it is one, with the export's command") {
    manifest m;
    m.version = "0.1.0";
    m.source = "pypi";
    m.format = "raw";
    m.command_line = "harvest export --dataset out/p --latest out/p-latest.jsonl";
    m.files = {{"p-latest.jsonl", 0, "all", 9, 100, "x"}};
    const auto card = dataset_card(m, "p-latest", {"pypi.org", "other", "terms"});
    CHECK(card.find("A snapshot by harvest 0.1.0 (`harvest export --latest`)") != std::string::npos);
    CHECK(card.find("harvest export --dataset out/p --latest out/p-latest.jsonl") != std::string::npos);
    CHECK(card.find("run(s)") == std::string::npos);
}
