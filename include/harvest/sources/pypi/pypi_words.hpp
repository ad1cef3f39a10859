#pragma once
// PyPI's machine-readable fields said in words, for the text and chat formats: version
// specifiers (PEP 440), requirements with their extras and markers (PEP 508), and a project's
// long description cut to its first paragraph without markup. Pure.
#include <string>
#include <string_view>
#include <vector>

namespace harvest::sources {

// ">=2.7, !=3.0.*, !=3.1.*," -> "2.7 or later, except 3.0 and 3.1"; "" when nothing is left.
std::string versions_in_words(std::string_view specifier);

// requires_dist in words: the requirements every install needs ("pytz, billiard (3.6.1 or later
// and earlier than 4.0)"), then those that hold only on some Python versions or platforms
// (marked so), then the names of the optional extras. "" for none.
std::string dependencies_in_words(const std::vector<std::string>& requires_dist);

// The first paragraph of prose in a README-style description (Markdown or reStructuredText):
// headings, badges, directives and link targets dropped, inline markup removed, whitespace
// collapsed, at most `limit` bytes (cut at a word, "..." added). "" when there is none.
std::string description_excerpt(std::string_view description, std::size_t limit = 400);

} // namespace harvest::sources
