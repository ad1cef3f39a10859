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

virtuoso virtuoso::attach(std::string endpoint, fs::path rdf_dir) { return virtuoso(std::move(endpoint), std::move(rdf_dir)); }

virtuoso::~virtuoso() {
    if (dir_.empty()) return;
    // At exit, outside any test case: no doctest assertion here.
    const auto stop = (source_dir / "tools" / "virtuoso").string() + " stop '" + (dir_ / "db").string() + "' >/dev/null 2>&1";
    [[maybe_unused]] const int rc = std::system(stop.c_str());
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

namespace {

// tools/make-glycan-rdf --synthesize n, into a temporary directory.
fs::path synthesized_rdf(std::size_t n) {
    const auto dir = make_temp_dir("harvest-rdf");
    auto r = run_process({(source_dir / "tools" / "make-glycan-rdf").string(), "--synthesize", std::to_string(n), "--out", dir.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return dir;
}

// The instance ctest started in HARVEST_SHARED_VIRTUOSO/n (tests/support/shared_virtuoso), else one of our own.
virtuoso start_or_attach(std::size_t n) {
    const fs::path shared = fs::path(HARVEST_SHARED_VIRTUOSO) / std::to_string(n);
    std::ifstream endpoint_file(shared / "db" / "endpoint");
    std::string endpoint;
    const fs::path shared_rdf = n == 0 ? source_dir / "data" / "rdf" / "glytoucan" : shared / "rdf";
    if (endpoint_file >> endpoint) return virtuoso::attach(endpoint, shared_rdf);
    return virtuoso(n == 0 ? shared_rdf : synthesized_rdf(n));
}

} // namespace

virtuoso& recorded_virtuoso() {
    static virtuoso instance = start_or_attach(0);
    return instance;
}

virtuoso& catalog_virtuoso(std::size_t synthesized) {
    if (synthesized == 1000) {
        static virtuoso instance = start_or_attach(1000);
        return instance;
    }
    REQUIRE_MESSAGE(synthesized == 10'000, "ctest shares 1,000 and 10,000 synthesized glycans, not " << synthesized);
    static virtuoso instance = start_or_attach(10'000);
    return instance;
}

virtuoso& empty_virtuoso() {
    static virtuoso instance;
    return instance;
}

virtuoso& synthesized_virtuoso() {
    static virtuoso instance(synthesized_rdf(25'000));
    return instance;
}

} // namespace harvest::test
