#include <harvest/sources/pypi/pep440.hpp>

#include <harvest/ascii.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <regex>
#include <tuple>

namespace harvest::sources {

namespace {

// PEP 440's own pattern (Appendix B), as packaging spells it.
const std::regex& version_pattern() {
    static const std::regex re(
        R"(^\s*v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*))"
        R"((?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?([0-9]+)?)?)"
        R"((?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?)"
        R"((?:[-_.]?(dev)[-_.]?([0-9]+)?)?)"
        R"((?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$)",
        std::regex::icase | std::regex::optimize);
    return re;
}

std::uint64_t number(const std::ssub_match& m) {
    std::uint64_t n = 0;
    if (m.matched) std::from_chars(&*m.first, &*m.first + m.length(), n);
    return n;
}

int pre_rank(std::string_view label) {
    if (label == "a" || label == "alpha") return 0;
    if (label == "b" || label == "beta") return 1;
    return 2; // c, rc, pre, preview
}

std::string trimmed(std::string_view s) { return std::string(ascii_trim(s)); }

} // namespace

std::optional<pep440_version> pep440_version::parse(std::string_view text) {
    std::smatch m;
    const std::string s(text);
    if (!std::regex_match(s, m, version_pattern())) return std::nullopt;
    pep440_version v;
    v.text_ = trimmed(text);
    v.epoch_ = number(m[1]);
    for (std::size_t at = 0; at < static_cast<std::size_t>(m[2].length());) {
        const auto dot = m[2].str().find('.', at);
        const auto part = m[2].str().substr(at, dot == std::string::npos ? std::string::npos : dot - at);
        std::uint64_t n = 0;
        std::from_chars(part.data(), part.data() + part.size(), n);
        v.release_.push_back(n);
        if (dot == std::string::npos) break;
        at = dot + 1;
    }
    if (m[3].matched) v.pre_ = std::pair{pre_rank(ascii_lower(m[3].str())), number(m[4])};
    if (m[5].matched) v.post_ = number(m[5]);
    else if (m[6].matched) v.post_ = number(m[7]);
    if (m[8].matched) v.dev_ = number(m[9]);
    if (m[10].matched) {
        std::string local = ascii_lower(m[10].str());
        std::replace_if(local.begin(), local.end(), [](char c) { return c == '-' || c == '_'; }, '.');
        for (std::size_t at = 0;;) {
            const auto dot = local.find('.', at);
            v.local_.push_back(local.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
            if (dot == std::string::npos) break;
            at = dot + 1;
        }
    }
    return v;
}

std::string pep440_version::public_part() const {
    std::string out = epoch_ ? std::to_string(epoch_) + "!" : std::string();
    for (std::size_t i = 0; i < release_.size(); ++i) out += (i ? "." : "") + std::to_string(release_[i]);
    if (pre_) out += std::string(pre_->first == 0 ? "a" : pre_->first == 1 ? "b" : "rc") + std::to_string(pre_->second);
    if (post_) out += ".post" + std::to_string(*post_);
    if (dev_) out += ".dev" + std::to_string(*dev_);
    return out;
}

std::strong_ordering pep440_version::operator<=>(const pep440_version& o) const {
    if (auto c = epoch_ <=> o.epoch_; c != 0) return c;
    // Release segments, trailing zeros insignificant (1.0 == 1.0.0).
    for (std::size_t i = 0; i < std::max(release_.size(), o.release_.size()); ++i) {
        const auto a = i < release_.size() ? release_[i] : 0, b = i < o.release_.size() ? o.release_[i] : 0;
        if (auto c = a <=> b; c != 0) return c;
    }
    // dev-only (1.0.dev1) < pre-releases < the final release; absent post < any post.
    constexpr std::int64_t below = -1, above = 1'000'000;
    auto pre_key = [&](const pep440_version& v) {
        if (!v.pre_ && !v.post_ && v.dev_) return std::pair<std::int64_t, std::uint64_t>{below, 0};
        if (!v.pre_) return std::pair<std::int64_t, std::uint64_t>{above, 0};
        return std::pair<std::int64_t, std::uint64_t>{v.pre_->first, v.pre_->second};
    };
    if (auto c = pre_key(*this) <=> pre_key(o); c != 0) return c;
    auto post_key = [](const pep440_version& v) { return v.post_ ? std::int64_t(*v.post_) : std::int64_t{-1}; };
    if (auto c = post_key(*this) <=> post_key(o); c != 0) return c;
    auto dev_key = [](const pep440_version& v) { return v.dev_ ? std::int64_t(*v.dev_) : std::numeric_limits<std::int64_t>::max(); };
    if (auto c = dev_key(*this) <=> dev_key(o); c != 0) return c;
    // Local labels: none first; numeric parts above alphanumeric ones, then by value.
    for (std::size_t i = 0; i < std::max(local_.size(), o.local_.size()); ++i) {
        if (i >= local_.size()) return std::strong_ordering::less;
        if (i >= o.local_.size()) return std::strong_ordering::greater;
        const auto& a = local_[i];
        const auto& b = o.local_[i];
        const bool an = std::all_of(a.begin(), a.end(), ::isdigit), bn = std::all_of(b.begin(), b.end(), ::isdigit);
        if (an != bn) return an ? std::strong_ordering::greater : std::strong_ordering::less;
        if (an) {
            if (auto c = std::stoull(a) <=> std::stoull(b); c != 0) return c;
        } else if (auto c = a <=> b; c != 0) {
            return c;
        }
    }
    return std::strong_ordering::equal;
}

std::optional<pep440_specifier> pep440_specifier::parse(std::string_view text, std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<pep440_specifier> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    pep440_specifier spec;
    spec.text_ = trimmed(text);
    if (spec.text_.empty()) return spec;
    std::size_t at = 0;
    for (;;) {
        const auto comma = spec.text_.find(',', at);
        const std::string part = trimmed(std::string_view(spec.text_).substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        clause c;
        for (std::string_view op : {"===", "~=", "==", "!=", "<=", ">=", "<", ">"})
            if (part.starts_with(op)) {
                c.op = op;
                break;
            }
        if (c.op.empty()) return fail("'" + part + "' has no operator (expected ==, !=, <=, >=, <, >, ~= or ===)");
        c.value = trimmed(std::string_view(part).substr(c.op.size()));
        if (c.op != "===") {
            c.wildcard = (c.op == "==" || c.op == "!=") && c.value.ends_with(".*");
            auto v = pep440_version::parse(c.wildcard ? c.value.substr(0, c.value.size() - 2) : c.value);
            if (!v) return fail("'" + c.value + "' is no PEP 440 version");
            if (!v->local_.empty() && c.op != "==" && c.op != "!=") return fail("'" + part + "': a local version only goes with == or !=");
            if (c.op == "~=" && v->release_.size() < 2) return fail("'" + part + "': ~= needs at least two release numbers");
            if (v->is_prerelease() && c.op != "!=") spec.names_prerelease_ = true;
            c.version = std::move(v);
        }
        spec.clauses_.push_back(std::move(c));
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    return spec;
}

namespace {

// v's release, padded or cut to `n` numbers.
std::vector<std::uint64_t> release_prefix(const pep440_version& v, std::size_t n) {
    auto r = v.release();
    r.resize(n, 0);
    return r;
}

} // namespace

bool pep440_specifier::matches(const clause& c, const pep440_version& v) const {
    if (c.op == "===") return ascii_lower(v.text()) == ascii_lower(c.value);
    const auto& s = *c.version;
    // Clauses without a local label ignore the candidate's (1.0+abc == 1.0).
    pep440_version pub = v;
    if (s.local_.empty()) pub.local_.clear();
    auto base = [](pep440_version x) { // the release alone: 1.0rc1.post2 -> 1.0
        x.pre_.reset();
        x.post_.reset();
        x.dev_.reset();
        x.local_.clear();
        return x;
    };
    if (c.wildcard) {
        const bool prefix = pub.epoch_ == s.epoch_ && release_prefix(pub, s.release_.size()) == s.release_;
        return c.op == "==" ? prefix : !prefix;
    }
    if (c.op == "==") return pub == s;
    if (c.op == "!=") return !(pub == s);
    if (c.op == "<=") return pub <= s;
    if (c.op == ">=") return pub >= s;
    if (c.op == "~=") { // >= V and == V's release without its last number .*
        const auto n = s.release_.size() - 1;
        return pub >= s && pub.epoch_ == s.epoch_ && release_prefix(pub, n) == release_prefix(s, n);
    }
    if (c.op == "<") // not a pre-release of the version itself, unless it is one
        return pub < s && !(!s.is_prerelease() && v.is_prerelease() && base(v) == base(s));
    if (c.op == ">") // not a post-release or local version of the version itself, unless it is one
        return pub > s && !(!s.post_ && v.post_ && base(v) == base(s)) && !(!v.local_.empty() && base(v) == base(s));
    return false;
}

bool pep440_specifier::contains(const pep440_version& v, bool prereleases) const {
    if (v.is_prerelease() && !prereleases && !names_prerelease_) return false;
    return std::all_of(clauses_.begin(), clauses_.end(), [&](const clause& c) { return matches(c, v); });
}

std::optional<std::string> pep440_specifier::newest(const std::vector<std::string>& versions) const {
    for (const bool prereleases : {false, true}) {
        std::optional<pep440_version> best;
        for (const auto& text : versions) {
            auto v = pep440_version::parse(text);
            if (v && contains(*v, prereleases) && (!best || *v > *best)) best = std::move(v);
        }
        if (best) return best->text();
    }
    return std::nullopt;
}

} // namespace harvest::sources
