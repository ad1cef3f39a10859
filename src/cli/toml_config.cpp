#include <harvest/cli/toml_config.hpp>

#include <toml++/toml.h>

#include <sstream>

namespace harvest::cli {

std::string toml_config::to_config(const CLI::App*, bool, bool, std::string) const {
    return {}; // harvest reads configuration files; it never writes one
}

std::vector<CLI::ConfigItem> toml_config::from_config(std::istream& input) const {
    toml::table table;
    try {
        table = toml::parse(input);
    } catch (const toml::parse_error& e) {
        std::ostringstream where;
        where << "--config: line " << e.source().begin.line << ", column " << e.source().begin.column << ": " << e.description()
              << " (expected TOML, e.g. workers = 50)";
        throw CLI::ConversionError(where.str());
    }
    auto scalar = [](const toml::node& node, const std::string& key) -> std::string {
        // value_exact: toml++'s value<T>() would convert, e.g. an integer into a bool.
        if (auto s = node.value_exact<std::string>()) return *s;
        if (auto b = node.value_exact<bool>()) return *b ? "true" : "false";
        if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
        if (auto d = node.value_exact<double>()) {
            std::ostringstream out;
            out.precision(17);
            out << *d;
            return out.str();
        }
        throw CLI::ConversionError("--config: key '" + key + "': expected a string, number or boolean");
    };
    std::vector<CLI::ConfigItem> items;
    for (const auto& [key, node] : table) {
        CLI::ConfigItem item;
        item.parents = {subcommand_};
        item.name = std::string(key.str());
        if (const auto* array = node.as_array()) {
            for (const auto& element : *array) item.inputs.push_back(scalar(element, item.name));
        } else if (node.is_table()) {
            throw CLI::ConversionError("--config: key '" + item.name + "': sections are not used; write collect's flags as top-level keys");
        } else {
            item.inputs.push_back(scalar(node, item.name));
        }
        items.push_back(std::move(item));
    }
    return items;
}

} // namespace harvest::cli
