#include "support/virtuoso.hpp"

#include "support/child_process.hpp"
#include "support/self_signed.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace harvest::test {
namespace fs = std::filesystem;

namespace {

const fs::path source_dir = HARVEST_SOURCE_DIR;

} // namespace

virtuoso::virtuoso(const fs::path& rdf_dir) : rdf_dir_(rdf_dir), dir_(make_temp_dir("harvest-virtuoso")) {
    std::vector<std::string> argv{(source_dir / "tools" / "virtuoso").string(), "start", (dir_ / "db").string()};
    if (!rdf_dir.empty()) {
        std::ifstream graphs(rdf_dir / "graphs.tsv");
        REQUIRE_MESSAGE(graphs, (rdf_dir / "graphs.tsv").string());
        for (std::string file, graph; graphs >> file >> graph;) argv.push_back((rdf_dir / file).string() + "=" + graph);
    }
    auto r = run_process(argv, std::chrono::seconds(120));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::istringstream(r.out) >> endpoint_;
    REQUIRE_MESSAGE(endpoint_.starts_with("http://127.0.0.1:"), r.out);
}

virtuoso::~virtuoso() {
    // At exit, outside any test case: no doctest assertion here.
    const auto stop = (source_dir / "tools" / "virtuoso").string() + " stop '" + (dir_ / "db").string() + "' >/dev/null 2>&1";
    [[maybe_unused]] const int rc = std::system(stop.c_str());
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

virtuoso& recorded_virtuoso() {
    static virtuoso instance(source_dir / "data" / "rdf" / "glytoucan");
    return instance;
}

virtuoso& empty_virtuoso() {
    static virtuoso instance;
    return instance;
}

virtuoso& synthesized_virtuoso() {
    static const fs::path rdf = [] {
        const auto dir = make_temp_dir("harvest-rdf25k");
        auto r = run_process({(source_dir / "tools" / "make-glycan-rdf").string(), "--synthesize", "25000", "--out", dir.string()});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        return dir;
    }();
    static virtuoso instance(rdf);
    return instance;
}

} // namespace harvest::test
