#pragma once
// The dataset card: README.md at the top of a dataset directory, in the Hugging Face dataset-card
// format. Its YAML header's `configs` name every data file per split, so
// `datasets.load_dataset(DIR)` reads exactly the data files (never manifest.json or harvest's own
// files); the text says what the records are, where they came from, under which terms, and the
// command that made them. Pure: the manifest in, the card's text out.
#include <harvest/export/manifest.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace harvest::exporting {

struct card_source {
    std::string_view services;     // "GlyTouCan, GlyCosmos and GlyGen"
    std::string_view licence;      // a Hugging Face licence identifier: "cc-by-4.0", "other"
    std::string_view licence_note; // one paragraph: the terms the records come under
};

// `name`: the dataset's name (its directory's). A dataset without --split is one split, "train",
// as the datasets library names a split it is not told about. `tables`: data beside the records
// (TABLE/TABLE.jsonl), each a config of its own.
std::string dataset_card(const manifest& m, std::string_view name, const card_source& source, const std::vector<std::string>& tables = {});

} // namespace harvest::exporting
