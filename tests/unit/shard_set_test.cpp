#include <harvest/error.hpp>
#include <harvest/export/latest_snapshot.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace harvest::exporting;
namespace fs = std::filesystem;

namespace {

manifest shard(std::size_t k, std::size_t n, std::string selection = "abc") {
    manifest m;
    m.source = "pypi";
    m.format = "raw";
    m.shard = manifest_shard{k, n, std::move(selection)};
    return m;
}

std::string refusal(const std::vector<manifest>& set) {
    std::vector<fs::path> paths;
    for (std::size_t i = 0; i < set.size(); ++i) paths.push_back(fs::path("out/p" + std::to_string(i)) / "manifest.json");
    try {
        check_shard_set(paths, set);
    } catch (const harvest::failure& e) {
        CHECK(e.details().setting == "dataset");
        return e.details().message;
    }
    return {};
}

} // namespace

TEST_CASE("shard set: complete in any order, or refused naming the missing, doubled or foreign shard") {
    CHECK(refusal({shard(1, 3), shard(0, 3), shard(2, 3)}).empty());
    CHECK(refusal({manifest{}}).empty()); // one dataset without --shard: a plain export
    CHECK(refusal({shard(0, 4), shard(1, 4), shard(3, 4)}) == "the shard set of 4 lacks shard(s) 2 (each must be harvested before the export)");
    CHECK(refusal({shard(0, 2), shard(0, 2)}) == "shard 0 of 2 twice: out/p0 and out/p1");
    CHECK(refusal({shard(0, 2), shard(1, 2, "other")}).find("out/p1: shard 1 of 2 of another harvest than out/p0") == 0);
    CHECK(refusal({shard(0, 2), shard(1, 3)}).find("of another harvest") != std::string::npos);
    CHECK(refusal({shard(0, 2), manifest{}}) == "out/p1: not a shard (written without --shard); a snapshot of several datasets takes one shard set");
}
