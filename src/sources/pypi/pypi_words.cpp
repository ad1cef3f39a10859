#include <harvest/sources/pypi/pypi_words.hpp>

#include <harvest/ascii.hpp>

#include <algorithm>
#include <cctype>

namespace harvest::sources {
namespace {

// "a, b and c"
std::string joined(const std::vector<std::string>& items, std::string_view last = " and ") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? std::string(last) : std::string(", ");
        out += items[i];
    }
    return out;
}

// "3.4.*" -> "3.4"
std::string without_wildcard(std::string_view v) {
    if (v.ends_with(".*")) v.remove_suffix(2);
    return std::string(v);
}

} // namespace

std::string versions_in_words(std::string_view specifier) {
    std::vector<std::string> lower, upper, bounds, excluded; // said lower bound first, whatever the order given
    std::size_t start = 0;
    while (start <= specifier.size()) {
        auto end = specifier.find(',', start);
        if (end == std::string_view::npos) end = specifier.size();
        const auto clause = ascii_trim(specifier.substr(start, end - start));
        start = end + 1;
        if (clause.empty()) continue;
        // The operator is the leading run of comparison characters.
        const auto op_end = clause.find_first_not_of("<>=!~");
        const auto op = clause.substr(0, op_end == std::string_view::npos ? clause.size() : op_end);
        const auto version = ascii_trim(clause.substr(op.size()));
        const std::string v(version);
        if (op == ">=") lower.push_back(v + " or later");
        else if (op == ">") lower.push_back("later than " + v);
        else if (op == "<=") upper.push_back(v + " or earlier");
        else if (op == "<") upper.push_back("earlier than " + v);
        else if (op == "!=") excluded.push_back(without_wildcard(version));
        else if (op == "~=") bounds.push_back("compatible with " + v);
        else if (op == "==" || op == "===") bounds.push_back(version.ends_with(".*") ? "any " + without_wildcard(version) : "exactly " + v);
        else bounds.push_back(std::string(clause));
    }
    lower.insert(lower.end(), upper.begin(), upper.end());
    lower.insert(lower.end(), bounds.begin(), bounds.end());
    std::string out = joined(lower);
    if (!excluded.empty()) out += (out.empty() ? "any version except " : ", except ") + joined(excluded);
    return out;
}

std::string dependencies_in_words(const std::vector<std::string>& requires_dist) {
    std::vector<std::string> always, conditional, extras;
    for (const auto& requirement : requires_dist) {
        const auto semicolon = requirement.find(';');
        const auto spec = ascii_trim(std::string_view(requirement).substr(0, semicolon));
        const auto marker = semicolon == std::string::npos ? std::string_view{} : ascii_trim(std::string_view(requirement).substr(semicolon + 1));
        const auto name_end = std::min(spec.size(), spec.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"));
        const std::string name(spec.substr(0, name_end));
        if (name.empty()) continue;
        auto rest = ascii_trim(spec.substr(name_end));
        if (rest.starts_with('[')) rest = ascii_trim(rest.substr(std::min(rest.size(), rest.find(']') + 1))); // its own extras: not said
        if (rest.starts_with('(') && rest.ends_with(')')) rest = ascii_trim(rest.substr(1, rest.size() - 2));
        const auto versions = rest.starts_with('@') ? std::string("from a URL") : versions_in_words(rest);
        const auto said = versions.empty() ? name : name + " (" + versions + ")";
        if (const auto extra = marker.find("extra"); extra != std::string_view::npos) {
            // extra == 'name' or extra == "name"
            const auto quote = marker.find_first_of("'\"", extra);
            const auto close = quote == std::string_view::npos ? quote : marker.find(marker[quote], quote + 1);
            if (close != std::string_view::npos) {
                std::string extra_name(marker.substr(quote + 1, close - quote - 1));
                if (std::find(extras.begin(), extras.end(), extra_name) == extras.end()) extras.push_back(std::move(extra_name));
            }
        } else if (!marker.empty()) {
            conditional.push_back(said);
        } else {
            always.push_back(said);
        }
    }
    std::vector<std::string> parts;
    if (!always.empty()) parts.push_back("it depends on " + joined(always));
    if (!conditional.empty()) parts.push_back("on some Python versions or platforms also on " + joined(conditional));
    if (!extras.empty()) parts.push_back(std::string(extras.size() == 1 ? "it has the optional extra " : "it has the optional extras ") + joined(extras));
    return joined(parts, "; ");
}

namespace {

bool is_decoration(std::string_view line) {
    const auto t = ascii_trim(line);
    if (t.empty()) return false;
    // Underlines and rules (=====, -----, ~~~, ***), headings, badges, directives, link targets.
    if (t.find_first_not_of("=-~^*#+_`:.'\"") == std::string_view::npos) return true;
    return t.starts_with('#') || t.starts_with("[![") || t.starts_with("![") || t.starts_with(".. ") || t.starts_with("|") ||
           t.starts_with("<") || t.starts_with("```") || t.starts_with(":") || t.starts_with("- ") || t.starts_with("* ") ||
           t.starts_with(">>>") || t.starts_with("$ ");
}

// Markdown links [text](url) -> text, reST `text <url>`_ -> text, and emphasis/code markers.
std::string without_markup(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '[') {
            const auto close = text.find("](", i);
            const auto end = close == std::string_view::npos ? close : text.find(')', close);
            if (end != std::string_view::npos) {
                out += text.substr(i + 1, close - i - 1);
                i = end;
                continue;
            }
        }
        if (c == '<') { // reST link target inside `...`_
            const auto end = text.find(">`", i);
            if (end != std::string_view::npos && text.substr(i, end - i).find(' ') == std::string_view::npos) {
                i = end; // the backtick after it is dropped below
                continue;
            }
        }
        if (c == '`' || c == '*') continue;
        if (c == '_' && i > 0 && text[i - 1] == '`') continue;
        out += c;
    }
    // Collapse whitespace; drop a space left before punctuation by a removed link target.
    std::string collapsed;
    for (const char c : out) {
        const bool space = std::isspace(static_cast<unsigned char>(c));
        if (space && (collapsed.empty() || collapsed.back() == ' ')) continue;
        if ((c == ',' || c == '.') && !collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
        collapsed += space ? ' ' : c;
    }
    while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    return collapsed;
}

} // namespace

std::string description_excerpt(std::string_view description, std::size_t limit) {
    std::string paragraph;
    std::size_t start = 0;
    while (start < description.size()) {
        auto end = description.find('\n', start);
        if (end == std::string_view::npos) end = description.size();
        const auto line = description.substr(start, end - start);
        start = end + 1;
        // A heading's text is followed by its underline: the text is no prose either.
        const auto next_end = description.find('\n', start);
        const auto next = description.substr(std::min(start, description.size()), next_end == std::string_view::npos ? std::string_view::npos : next_end - start);
        const bool underlined = !ascii_trim(next).empty() && ascii_trim(next).find_first_not_of("=-~^*#+") == std::string_view::npos;
        if (is_decoration(line) || (underlined && paragraph.empty())) {
            if (!paragraph.empty()) break;
            continue;
        }
        if (ascii_trim(line).empty()) {
            if (paragraph.size() >= 40) break; // a first paragraph of prose, not a stray word
            paragraph.clear();
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(line.empty() ? 'x' : line.front())) && paragraph.empty()) continue; // indented: code or a quote
        paragraph += std::string(ascii_trim(line)) + " ";
    }
    auto text = without_markup(paragraph);
    if (text.size() > limit) {
        auto cut = text.rfind(' ', limit - 3);
        text = text.substr(0, cut == std::string::npos ? limit - 3 : cut) + "...";
    }
    return text;
}

} // namespace harvest::sources
