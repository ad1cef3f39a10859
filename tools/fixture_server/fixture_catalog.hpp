#pragma once
// What the fixture server knows: the real recorded bodies under data/fixtures/, indexed by the
// routes that serve them, plus `synthesize` deterministic extra records per source built from
// those real shapes (generated on request, so 100,000 of them cost no memory up front).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::fixture {

struct body {
    std::shared_ptr<const std::string> text;
    std::string etag; // quoted strong validator, as warehouse sends
};

body make_body(std::string text);

struct pypi_project_view {
    std::string name; // as the project spells it
    std::uint64_t serial = 0;
    std::optional<body> json; // GET /pypi/<name>/json; absent when only releases were recorded
};

// The shape of /pypi/<name>/json: as recorded, or as PyPI may serve it once the deprecated
// `releases` is gone (versions then only on the PEP 691 project page, which is the same).
enum class pypi_json_shape { recorded, without_releases };

// Projects the recorded ones require but no body was recorded for: 404s, or stand-ins (named
// and versioned from the requirements that name them, without requirements of their own) so a
// --follow-deps closure can choose versions against them.
enum class missing_dependencies { not_found, stand_ins };

class fixture_catalog {
public:
    // `dead`: that many more names in the PyPI index (dead-project-000000, ...) whose JSON is a
    // 404, as for the projects without releases the real index lists.
    fixture_catalog(const std::filesystem::path& root, std::size_t synthesize, std::size_t dead = 0,
                    pypi_json_shape shape = pypi_json_shape::recorded, missing_dependencies missing = missing_dependencies::not_found);
    ~fixture_catalog();
    fixture_catalog(const fixture_catalog&) = delete;
    fixture_catalog& operator=(const fixture_catalog&) = delete;

    // PyPI; names are canonical (normalised) unless said otherwise.
    std::optional<pypi_project_view> pypi_project(std::string_view canonical) const;
    std::optional<body> pypi_release(std::string_view canonical, std::string_view version) const;
    std::optional<body> simple_project(std::string_view canonical) const;
    const body& simple_index_json() const { return simple_index_json_; }
    const body& simple_index_html() const { return simple_index_html_; }
    std::uint64_t index_serial() const { return index_serial_; }

    // Glycans: every accession the catalog serves, sorted (real first-class records and synthesized
    // ones, named as tools/make-glycan-rdf names them for Virtuoso), with its WURCS where known.
    const std::vector<std::string>& glycan_accessions() const { return glycan_accessions_; }
    std::optional<std::string> glycan_wurcs(std::string_view accession) const;
    body gtcid2seqs(std::string_view accession) const;              // "[]" when unknown
    std::optional<body> glygen_detail(std::string_view accession) const; // none: not in GlyGen

    std::size_t synthesized() const { return synthesize_; }

    // The project "changed upstream": its serial becomes the index's newest, its JSON body (so
    // its ETag) changes and the index lists the new serial. nullopt for an unknown project.
    std::optional<std::uint64_t> bump_pypi(std::string_view canonical);

private:
    struct pypi_template;
    struct glycan_record;

    void load_pypi(const std::filesystem::path& dir);
    void add_dependency_stand_ins();
    void load_glycans(const std::filesystem::path& dir);
    void build_simple_index();
    std::optional<std::size_t> synthetic_pypi_index(std::string_view canonical) const;
    std::string synthetic_pypi_json(std::size_t i) const;
    std::uint64_t synthetic_serial(std::size_t i) const;
    const glycan_record* find_glycan(std::string_view accession) const;

    struct real_project {
        pypi_project_view view;
        std::map<std::string, body, std::less<>> releases;
        std::optional<body> simple;
    };

    std::size_t synthesize_;
    std::size_t dead_;
    pypi_json_shape shape_;
    std::map<std::string, real_project, std::less<>> projects_;
    std::vector<pypi_template> templates_;
    body simple_index_json_;
    body simple_index_html_;
    std::uint64_t index_serial_ = 0;
    std::map<std::size_t, std::uint64_t> synthetic_bumps_; // synthesized project -> bumped serial

    std::map<std::string, glycan_record, std::less<>> glycans_; // real records, by accession
    std::map<std::string, std::size_t, std::less<>> synthetic_glycans_; // accession -> index
    std::vector<const glycan_record*> glycan_templates_;
    std::optional<body> glygen_full_body_; // the one complete recorded GlyGen detail
    std::string glygen_full_accession_;
    std::vector<std::string> glycan_accessions_;
};

// The name of synthesized PyPI project `i`, built from the real project `template_name`.
std::string synthetic_pypi_name(std::string_view template_name, std::size_t i);

} // namespace harvest::fixture
