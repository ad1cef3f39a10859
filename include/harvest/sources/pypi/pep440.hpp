#pragma once
// PEP 440 versions and version specifiers, as pip and uv compare them: enough to choose, for a
// requirement, the newest release that satisfies it. Pure.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::sources {

class pep440_version {
public:
    // A valid PEP 440 version in any spelling it allows ("1.0RC1", "v2.0.post-1"), or nullopt.
    static std::optional<pep440_version> parse(std::string_view text);

    bool is_prerelease() const noexcept { return pre_ || dev_; }
    const std::vector<std::uint64_t>& release() const noexcept { return release_; }
    std::string text() const { return text_; } // as given
    std::string public_part() const;            // normalised, without the local label

    // Ordered as PEP 440 says (dev < pre < final < post; a local label sorts after none).
    std::strong_ordering operator<=>(const pep440_version& other) const;
    bool operator==(const pep440_version& other) const { return (*this <=> other) == 0; }

private:
    friend class pep440_specifier;
    std::string text_;
    std::uint64_t epoch_ = 0;
    std::vector<std::uint64_t> release_;
    std::optional<std::pair<int, std::uint64_t>> pre_; // (0 a, 1 b, 2 rc, number)
    std::optional<std::uint64_t> post_;
    std::optional<std::uint64_t> dev_;
    std::vector<std::string> local_; // lower case
};

// A specifier set ("<4.7,>=4.6.7", "~=2.2", "==1.*", "" for any version).
class pep440_specifier {
public:
    // nullopt, with `why`, for text that is no PEP 440 specifier set (e.g. ">dev").
    static std::optional<pep440_specifier> parse(std::string_view text, std::string* why = nullptr);

    // Whether `v` satisfies every clause. Pre-releases satisfy only when `prereleases` is true or
    // a clause names one itself (PEP 440: excluded by default).
    bool contains(const pep440_version& v, bool prereleases = false) const;
    // The newest of `versions` (strings as a project lists them; invalid ones are skipped) that
    // satisfies it; pre-releases only when no final release does, as pip does.
    std::optional<std::string> newest(const std::vector<std::string>& versions) const;

    const std::string& text() const noexcept { return text_; }

private:
    struct clause {
        std::string op; // ==, !=, <=, >=, <, >, ~=, ===
        std::string value;
        bool wildcard = false; // ==1.2.* / !=1.2.*
        std::optional<pep440_version> version;
    };
    bool matches(const clause& c, const pep440_version& v) const;

    std::string text_;
    std::vector<clause> clauses_;
    bool names_prerelease_ = false;
};

} // namespace harvest::sources
