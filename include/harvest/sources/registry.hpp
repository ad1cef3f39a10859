#pragma once
// The sources harvest knows, each described once: its name, polite default rates, requests per
// record, whether fetches discover more targets, and how to make it. The engine and the CLI
// look sources up here and hold no branch on a source's name.
#include <harvest/export/dataset_card.hpp>
#include <harvest/http/client.hpp>
#include <harvest/logger.hpp>
#include <harvest/sources/glytoucan/glytoucan_source.hpp>
#include <harvest/sources/pypi/pypi_source.hpp>
#include <harvest/sources/source.hpp>

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::sources {

// Every source's options; the CLI maps its flags onto these.
struct source_settings {
    glytoucan_options glytoucan;
    pypi_options pypi;
};

struct source_descriptor {
    std::string_view name;
    std::string_view summary;  // one line, for --help
    std::string_view services; // the real services it asks, for messages
    // The terms its records come under, for the dataset card: a Hugging Face licence identifier
    // and a paragraph saying what is known.
    std::string_view licence;
    std::string_view licence_note;
    // Per-host rates used when the user gives no --rate.
    std::map<std::string, http::rate_limit, std::less<>> (*default_rates)();
    // Per-host caps on requests in flight used when the user gives no --max-per-host.
    std::map<std::string, std::size_t, std::less<>> (*default_connections)();
    // Requests one record costs with these settings (for estimates before a run).
    double (*requests_per_record)(const source_settings&);
    // Whether fetches may add targets (the scheduler then waits for fetches in flight).
    bool (*discovers_targets)(const source_settings&);
    // Points every service of the source at one host (a mirror, or harvest-fixture-server).
    void (*set_base_url)(source_settings&, const std::string& base);
    std::unique_ptr<source> (*make)(http::client&, const source_settings&, const logger&);

    // What a dataset card says of the source and its terms.
    exporting::card_source card_terms() const { return {services, licence, licence_note}; }
};

// Every registered source, in the order --help lists them.
std::span<const source_descriptor> registered_sources();
// The source named `name`, or nullptr.
const source_descriptor* find_source(std::string_view name);
// The registered names, for a flag's allowed values.
std::vector<std::string> source_names();

} // namespace harvest::sources
