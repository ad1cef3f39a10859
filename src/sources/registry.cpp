#include <harvest/sources/registry.hpp>

#include <algorithm>
#include <array>

namespace harvest::sources {

namespace {

const std::array<source_descriptor, 2> sources{{
    {"glytoucan", "GlyTouCan + GlyCosmos + GlyGen", "GlyTouCan, GlyCosmos and GlyGen", "cc-by-4.0",
     "GlyTouCan and GlyCosmos state their data's licence as CC BY 4.0 (credit GlyTouCan and GlyCosmos when you use or share it). "
     "Part of the enrichment (records with `enriched: true`) comes from GlyGen, whose terms are its own: read them before you "
     "redistribute the dataset.",
     glytoucan_default_rates, glytoucan_default_connections,
     [](const source_settings& s) { return (s.glytoucan.enrich ? 1.0 : 0.0) + 1.0 / static_cast<double>(std::max<std::size_t>(1, s.glytoucan.page_size)); }, [](const source_settings&) { return false; },
     [](source_settings& s, const std::string& base) { s.glytoucan.set_base_url(base); },
     [](http::client& c, const source_settings& s, const logger& log) -> std::unique_ptr<source> {
         return std::make_unique<glytoucan_source>(c, s.glytoucan, log);
     }},
    {"pypi", "PyPI or a mirror of its JSON API", "pypi.org", "other",
     "Each project's metadata is its authors', published on PyPI under PyPI's terms of use; a project's own licence is in its record "
     "(`license`, `license_expression`, classifiers), and it covers the project, not necessarily its metadata. Check both before "
     "you redistribute the dataset.",
     pypi_default_rates,
     []() -> std::map<std::string, std::size_t, std::less<>> { return {}; }, [](const source_settings&) { return 1.0; },
     [](const source_settings& s) { return s.pypi.follow_deps; }, [](source_settings& s, const std::string& base) { s.pypi.base_url = base; },
     [](http::client& c, const source_settings& s, const logger& log) -> std::unique_ptr<source> {
         return std::make_unique<pypi_source>(c, s.pypi, log);
     }},
}};

} // namespace

std::span<const source_descriptor> registered_sources() { return sources; }

const source_descriptor* find_source(std::string_view name) {
    auto it = std::ranges::find(sources, name, &source_descriptor::name);
    return it == sources.end() ? nullptr : &*it;
}

std::vector<std::string> source_names() {
    std::vector<std::string> out;
    for (const auto& d : sources) out.emplace_back(d.name);
    return out;
}

} // namespace harvest::sources
