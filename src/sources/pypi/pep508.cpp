#include <harvest/sources/pypi/pep508.hpp>

#include <harvest/ascii.hpp>
#include <harvest/sources/pypi/pep440.hpp>
#include <harvest/sources/pypi/pypi_name.hpp>

#include <cctype>

namespace harvest::sources {

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; }

void skip_space(std::string_view s, std::size_t& at) {
    while (at < s.size() && std::isspace(static_cast<unsigned char>(s[at]))) ++at;
}

// A recursive-descent reader of PEP 508's marker grammar, evaluating as it reads.
class marker_reader {
public:
    marker_reader(std::string_view text, const marker_environment& env, std::string_view extra) : s_(text), env_(env), extra_(extra) {}

    std::optional<bool> read(std::string* why) {
        auto value = or_expr();
        skip_space(s_, at_);
        if (error_.empty() && at_ != s_.size()) error_ = "unexpected '" + std::string(s_.substr(at_)) + "'";
        if (!error_.empty()) {
            if (why) *why = "marker '" + std::string(s_) + "': " + error_;
            return std::nullopt;
        }
        return value;
    }

private:
    bool keyword(std::string_view word) {
        skip_space(s_, at_);
        if (s_.substr(at_, word.size()) != word) return false;
        const auto end = at_ + word.size();
        if (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_')) return false;
        at_ = end;
        return true;
    }

    bool or_expr() {
        bool value = and_expr();
        while (error_.empty() && keyword("or")) value = and_expr() || value;
        return value;
    }

    bool and_expr() {
        bool value = atom();
        while (error_.empty() && keyword("and")) value = atom() && value;
        return value;
    }

    bool atom() {
        skip_space(s_, at_);
        if (at_ < s_.size() && s_[at_] == '(') {
            ++at_;
            const bool value = or_expr();
            skip_space(s_, at_);
            if (at_ >= s_.size() || s_[at_] != ')') return fail("expected ')'");
            ++at_;
            return value;
        }
        std::string lhs_name, rhs_name;
        auto lhs = operand(lhs_name);
        if (!lhs) return false;
        const auto op = comparison();
        if (op.empty()) return fail("expected a comparison after '" + (lhs_name.empty() ? *lhs : lhs_name) + "'");
        auto rhs = operand(rhs_name);
        if (!rhs) return false;
        if (lhs_name == "extra" || rhs_name == "extra") { // extras compare as normalised names
            lhs = normalize_project_name(*lhs);
            rhs = normalize_project_name(*rhs);
        }
        return compare(*lhs, op, *rhs);
    }

    // A quoted string or an environment variable's value; `name` says which variable.
    std::optional<std::string> operand(std::string& name) {
        skip_space(s_, at_);
        if (at_ < s_.size() && (s_[at_] == '\'' || s_[at_] == '"')) {
            const char quote = s_[at_];
            const auto end = s_.find(quote, at_ + 1);
            if (end == std::string_view::npos) return fail_value("unterminated string");
            std::string value(s_.substr(at_ + 1, end - at_ - 1));
            at_ = end + 1;
            return value;
        }
        const auto start = at_;
        while (at_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[at_])) || s_[at_] == '_' || s_[at_] == '.')) ++at_;
        name = std::string(s_.substr(start, at_ - start));
        if (name.empty()) return fail_value("expected a variable or a quoted string");
        if (name == "extra") return std::string(extra_);
        if (auto it = env_.values.find(name); it != env_.values.end()) return it->second;
        return fail_value("unknown variable '" + name + "'");
    }

    std::string comparison() {
        skip_space(s_, at_);
        for (std::string_view op : {"===", "~=", "==", "!=", "<=", ">=", "<", ">"})
            if (s_.substr(at_, op.size()) == op) {
                at_ += op.size();
                return std::string(op);
            }
        if (keyword("in")) return "in";
        const auto saved = at_;
        if (keyword("not") && keyword("in")) return "not in";
        at_ = saved;
        return {};
    }

    // As packaging does: a version comparison when the right side is a version, else strings.
    static bool compare(const std::string& lhs, const std::string& op, const std::string& rhs) {
        if (op == "in") return rhs.find(lhs) != std::string::npos;
        if (op == "not in") return rhs.find(lhs) == std::string::npos;
        if (auto spec = pep440_specifier::parse(op + rhs))
            if (auto v = pep440_version::parse(lhs)) return spec->contains(*v, true);
        if (op == "==" || op == "===") return lhs == rhs;
        if (op == "!=") return lhs != rhs;
        if (op == "<") return lhs < rhs;
        if (op == "<=") return lhs <= rhs;
        if (op == ">") return lhs > rhs;
        if (op == ">=") return lhs >= rhs;
        return false;
    }

    bool fail(std::string why) {
        if (error_.empty()) error_ = std::move(why);
        at_ = s_.size();
        return false;
    }
    std::optional<std::string> fail_value(std::string why) {
        fail(std::move(why));
        return std::nullopt;
    }

    std::string_view s_;
    const marker_environment& env_;
    std::string_view extra_;
    std::size_t at_ = 0;
    std::string error_;
};

} // namespace

std::optional<pep508_requirement> parse_requirement(std::string_view text, std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<pep508_requirement> {
        if (why) *why = "requirement '" + std::string(text) + "': " + reason;
        return std::nullopt;
    };
    pep508_requirement r;
    std::string_view s = text;
    if (const auto semi = s.find(';'); semi != std::string_view::npos) {
        r.marker = std::string(ascii_trim(s.substr(semi + 1)));
        s = s.substr(0, semi);
    }
    std::size_t at = 0;
    skip_space(s, at);
    const auto start = at;
    while (at < s.size() && name_char(s[at])) ++at;
    r.name = std::string(s.substr(start, at - start));
    if (!is_valid_project_name(r.name)) return fail("no valid project name at its start");
    skip_space(s, at);
    if (at < s.size() && s[at] == '[') {
        const auto close = s.find(']', at);
        if (close == std::string_view::npos) return fail("'[' without ']'");
        for (auto rest = s.substr(at + 1, close - at - 1); !rest.empty();) {
            const auto comma = rest.find(',');
            const auto extra = ascii_trim(rest.substr(0, comma));
            if (!extra.empty()) r.extras.emplace_back(extra);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        at = close + 1;
        skip_space(s, at);
    }
    if (at < s.size() && s[at] == '@') {
        r.url = std::string(ascii_trim(s.substr(at + 1)));
        return r;
    }
    auto spec = ascii_trim(s.substr(at));
    if (spec.starts_with('(')) {
        if (!spec.ends_with(')')) return fail("'(' without ')'");
        spec = ascii_trim(spec.substr(1, spec.size() - 2));
    }
    r.specifier = std::string(spec);
    return r;
}

std::optional<marker_environment> environment_for(std::string_view python_version, std::string_view platform) {
    const auto v = pep440_version::parse(python_version);
    if (!v || v->release().size() != 2 || v->is_prerelease()) return std::nullopt;
    marker_environment env;
    auto& e = env.values;
    if (platform == "linux") e = {{"os_name", "posix"}, {"sys_platform", "linux"}, {"platform_system", "Linux"}, {"platform_machine", "x86_64"}};
    else if (platform == "windows") e = {{"os_name", "nt"}, {"sys_platform", "win32"}, {"platform_system", "Windows"}, {"platform_machine", "AMD64"}};
    else if (platform == "macos") e = {{"os_name", "posix"}, {"sys_platform", "darwin"}, {"platform_system", "Darwin"}, {"platform_machine", "arm64"}};
    else return std::nullopt;
    const std::string version = std::string(ascii_trim(python_version));
    e["python_version"] = version;
    e["python_full_version"] = version + ".0";
    e["implementation_name"] = "cpython";
    e["implementation_version"] = version + ".0";
    e["platform_python_implementation"] = "CPython";
    e["platform_release"] = "";
    e["platform_version"] = "";
    return env;
}

std::optional<bool> evaluate_marker(std::string_view marker, const marker_environment& env, std::string_view extra, std::string* why) {
    if (ascii_trim(marker).empty()) return true;
    return marker_reader(marker, env, extra).read(why);
}

} // namespace harvest::sources
