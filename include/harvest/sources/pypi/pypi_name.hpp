#pragma once
// PyPI project names (PEP 503 normalisation, as warehouse's canonicalize_name).
#include <string>
#include <string_view>

namespace harvest::sources {

// Lower-cases and collapses every run of '-', '_' and '.' into one '-'.
std::string normalize_project_name(std::string_view name);

// A PEP 508 project name: ASCII letters and digits, with '.', '_' and '-' only inside.
bool is_valid_project_name(std::string_view name) noexcept;

} // namespace harvest::sources
