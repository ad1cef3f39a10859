#pragma once
// PEP 508 dependency specifications: a requirement's parts, and its environment marker evaluated
// against one target environment (the Python version and platform a closure is for). Pure.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::sources {

struct pep508_requirement {
    std::string name; // as written
    std::vector<std::string> extras;
    std::string specifier; // "<4.7,>=4.6.7" (parentheses dropped); "" for any version
    std::string url;       // name @ URL
    std::string marker;    // after ';', "" for none
};

// nullopt, with `why`, for a string that is no PEP 508 requirement.
std::optional<pep508_requirement> parse_requirement(std::string_view text, std::string* why = nullptr);

// The values of PEP 508's environment markers for one environment.
struct marker_environment {
    std::map<std::string, std::string, std::less<>> values;
};

// CPython `python_version` ("3.12") on `platform` ("linux", "windows" or "macos"; x86_64, AMD64
// and arm64 machines); nullopt for another platform or a version that is not "3.12"-shaped.
std::optional<marker_environment> environment_for(std::string_view python_version, std::string_view platform);

// Whether `marker` holds in `env` with `extra` the extra being installed ("" for none);
// nullopt, with `why`, for a marker it cannot read.
std::optional<bool> evaluate_marker(std::string_view marker, const marker_environment& env, std::string_view extra, std::string* why = nullptr);

} // namespace harvest::sources
