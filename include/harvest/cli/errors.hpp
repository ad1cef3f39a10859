#pragma once
// How the command line shows a harvest::error: the setting it is about as the flag that sets it,
// the flag advice a library message leaves out, and the exit code for its kind.
#include <harvest/error.hpp>

#include <string>

namespace harvest::cli {

// "--out data/x.jsonl: directory data does not exist".
std::string describe(const error& e);
int exit_code_for(const error& e);

} // namespace harvest::cli
