#include <harvest/export/dataset_card.hpp>

#include <harvest/export/dataset_directory.hpp>
#include <harvest/export/json_writer.hpp>

#include <map>
#include <vector>

namespace harvest::exporting {

namespace {

// A YAML scalar that is any string: JSON's quoting is YAML's double-quoted style.
std::string yaml_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

std::string split_name(const std::string& split) { return split == "all" ? "train" : split; }

// The columns of the text and chat formats; raw records carry each source's own nested fields,
// which the datasets library infers from the data (a wrong declaration would fail the load).
std::string features_yaml(std::string_view format) {
    std::string out = "  features:\n  - name: id\n    dtype: string\n  - name: source\n    dtype: string\n";
    if (format == "text") out += "  - name: text\n    dtype: string\n";
    else if (format == "chat")
        out += "  - name: messages\n    list:\n    - name: role\n      dtype: string\n    - name: content\n      dtype: string\n";
    return out;
}

std::string format_text(std::string_view format) {
    if (format == "text") return "`{\"id\", \"source\", \"text\"}`: the record said in prose, for language-model pre-training.";
    if (format == "chat")
        return "`{\"id\", \"source\", \"messages\": [{\"role\": \"user\"|\"assistant\", \"content\"}]}`: question and answer pairs "
               "about the record, for instruction tuning.";
    return "`{\"id\", \"source\", \"fetched_at\", \"schema_version\", \"record\"}`: the record as harvest parsed it from the services' "
           "answers (`record` holds the source's fields).";
}

} // namespace

std::string dataset_card(const manifest& m, std::string_view name, const card_source& source, const std::vector<std::string>& tables) {
    std::map<std::string, std::vector<const manifest_file*>> by_split;
    for (const auto& f : m.files) by_split[split_name(f.split)].push_back(&f);
    std::map<std::string, std::uint64_t> counts;
    for (const auto& [split, n] : m.split_records()) counts[split_name(split)] += n;
    const bool incremental = m.runs.size() > 1;

    std::string out = "---\n";
    out += "pretty_name: " + yaml_string(name) + "\n";
    out += "license: " + yaml_string(source.licence) + "\n";
    out += "tags:\n- harvest\n- " + yaml_string(m.source) + "\n";
    out += "configs:\n- config_name: default\n  data_files:\n";
    for (const auto& [split, files] : by_split) {
        out += "  - split: " + yaml_string(split) + "\n    path:\n";
        for (const auto* f : files) out += "    - " + yaml_string(f->path) + "\n";
    }
    for (const auto& table : tables)
        out += "- config_name: " + yaml_string(table) + "\n  data_files:\n  - split: \"train\"\n    path:\n    - " +
               yaml_string(dataset_directory::table_file(table)) + "\n";
    out += "dataset_info:\n";
    if (m.format != "raw") out += features_yaml(m.format);
    out += "  splits:\n";
    for (const auto& [split, n] : counts) out += "  - name: " + yaml_string(split) + "\n    num_examples: " + std::to_string(n) + "\n";
    out += "---\n\n";

    out += "# " + std::string(name) + "\n\n";
    out += "Records from " + std::string(source.services) + " (harvest source `" + m.source + "`), format `" + m.format + "`, schema " +
           std::to_string(m.schema_version) + ": one JSON object per line, " + format_text(m.format) + "\n\n";
    out += "| split | records | files |\n|---|---:|---:|\n";
    for (const auto& [split, n] : counts) out += "| " + split + " | " + std::to_string(n) + " | " + std::to_string(by_split[split].size()) + " |\n";
    out += "\n";
    if (incremental)
        out += "The dataset was built by " + std::to_string(m.runs.size()) +
               " runs; a later run writes a changed record again in its own files, so a record can appear more than once (the newest line "
               "is the current one). `harvest export --latest latest.jsonl --manifest manifest.json` writes one line per record.\n\n";
    out += "## Loading\n\n```python\nimport datasets\nds = datasets.load_dataset(\"path/to/" + std::string(name) +
           "\")  # the files listed above, per split\n\nimport glob, pandas\ndf = pandas.concat(pandas.read_json(f, lines=True) for f in "
           "sorted(glob.glob(\"path/to/" + std::string(name) + "/*.jsonl*\")))\n```\n\n";
    for (const auto& table : tables)
        out += "The config `" + table + "` (`" + dataset_directory::table_file(table) + "`) is data beside the records" +
               (table == "edges" ? ": the dependency edges of `--follow-deps` (`from`, `from_version`, `to`, `specifier`, `marker`, `extra`, "
                                   "`chosen_version`, `problem`).\n\n"
                                 : ".\n\n");
    out += "## Sources and terms\n\n" + std::string(source.licence_note) + "\n\n";
    if (m.runs.empty()) // a snapshot: harvest export --latest
        out += "## How it was made\n\nA snapshot by harvest " + m.version + " (`harvest export --latest`), from " + m.started_at + " to " +
               m.finished_at + ": each record once, as the latest run of the dataset(s) it was made from wrote it; " +
               std::to_string(m.failures) + " target(s) of those could not be harvested. The command (credentials redacted):\n\n```\n" +
               m.command_line + "\n```\n\n`manifest.json` lists the file with its record count, size and SHA-256.\n";
    else
        out += "## How it was made\n\nharvest " + m.version + ", " + std::to_string(m.runs.size()) + " run(s), the last from " + m.started_at +
               " to " + m.finished_at + " (" + m.finish_reason + "); " + std::to_string(m.failures) +
               " target(s) could not be harvested (listed in `.harvest/failures.jsonl`). The last run's command (credentials redacted):\n\n```\n" +
               m.command_line + "\n```\n\n`manifest.json` lists every file with its record count, size and SHA-256, and every run.\n";
    return out;
}

} // namespace harvest::exporting
