#pragma once
// Reading files in tests: whole files, and the repository's recorded fixtures by relative path.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace harvest::test {

// The whole file, or "" when it does not exist.
inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A file under data/fixtures/; the test fails if it is missing.
inline std::string fixture_text(const std::string& relative) {
    const std::filesystem::path p = std::filesystem::path(HARVEST_FIXTURE_DIR) / relative;
    REQUIRE_MESSAGE(std::filesystem::exists(p), relative);
    return read_text(p);
}

} // namespace harvest::test
