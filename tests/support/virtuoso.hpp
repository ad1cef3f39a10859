#pragma once
// A real OpenLink Virtuoso for the glycan tests (tools/virtuoso: the shipped virtuoso.ini and its
// SPARQL limits, loopback ports), one instance per dataset per test binary, stopped by its PID
// when the binary exits. Under ctest the recorded dataset's instance is the run's shared one
// (tests/CMakeLists.txt starts it first and stops it last).
#include <filesystem>
#include <string>

namespace harvest::test {

class virtuoso {
public:
    // Starts an instance loaded with the Turtle files `rdf_dir`/graphs.tsv names (none: empty).
    explicit virtuoso(const std::filesystem::path& rdf_dir = {});
    // An instance someone else started and stops: its endpoint only.
    static virtuoso attach(std::string endpoint, std::filesystem::path rdf_dir);
    ~virtuoso();
    virtuoso(const virtuoso&) = delete;
    virtuoso& operator=(const virtuoso&) = delete;

    const std::string& endpoint() const noexcept { return endpoint_; } // http://127.0.0.1:PORT/sparql
    const std::filesystem::path& rdf_dir() const noexcept { return rdf_dir_; }

private:
    virtuoso(std::string endpoint, std::filesystem::path rdf_dir) : rdf_dir_(std::move(rdf_dir)), endpoint_(std::move(endpoint)) {}
    std::filesystem::path rdf_dir_, dir_; // dir_ empty: attached, not ours to stop
    std::string endpoint_;
};

// data/rdf/glytoucan: the recorded accessions, archived ones in core and archive (the shared
// instance when ctest started one).
virtuoso& recorded_virtuoso();
// The recorded glycans plus `synthesized` more, named as fixture_catalog(dir, synthesized)
// names its glycans (tools/make-glycan-rdf --synthesize): ctest shares 1,000 and 10,000.
virtuoso& catalog_virtuoso(std::size_t synthesized);
// No data at all.
virtuoso& empty_virtuoso();
// The recorded glycans plus 25,000 synthesized ones (never shared: tests change its limits).
virtuoso& synthesized_virtuoso();

} // namespace harvest::test
