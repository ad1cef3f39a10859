#pragma once
// A real OpenLink Virtuoso for the glycan tests (tools/virtuoso: the shipped virtuoso.ini and its
// SPARQL limits, loopback ports), one instance per dataset per test binary, stopped by its PID
// when the binary exits.
#include <filesystem>
#include <string>

namespace harvest::test {

class virtuoso {
public:
    // Starts an instance loaded with the Turtle files `rdf_dir`/graphs.tsv names (none: empty).
    explicit virtuoso(const std::filesystem::path& rdf_dir = {});
    ~virtuoso();
    virtuoso(const virtuoso&) = delete;
    virtuoso& operator=(const virtuoso&) = delete;

    const std::string& endpoint() const noexcept { return endpoint_; } // http://127.0.0.1:PORT/sparql
    const std::filesystem::path& rdf_dir() const noexcept { return rdf_dir_; }

private:
    std::filesystem::path rdf_dir_, dir_;
    std::string endpoint_;
};

// data/rdf/glytoucan: the recorded accessions, archived ones in core and archive.
virtuoso& recorded_virtuoso();
// No data at all.
virtuoso& empty_virtuoso();
// 25,000 made-up accessions of the real form (tools/make-glycan-rdf --synthesize 25000).
virtuoso& synthesized_virtuoso();

} // namespace harvest::test
