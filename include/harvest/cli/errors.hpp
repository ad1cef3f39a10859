#pragma once
// How the command line shows a harvest::error: the setting it is about as the flag that sets it,
// the flag advice a library message leaves out, and the exit code for its kind.
#include <harvest/error.hpp>

#include <string>

namespace harvest::cli {

// "--out data/x.jsonl: directory data does not exist".
std::string describe(const error& e);
int exit_code_for(const error& e);

// CLI11's message for a value outside a flag's range ("--workers: Value abc not in range 1 to
// 1000") in harvest's words: "--workers: 'abc' is not a number (expected a whole number from 1 to
// 1000)", or "... 0 is out of range (expected ...)"; any other message unchanged.
std::string explain_parse_error(const std::string& what);

} // namespace harvest::cli
