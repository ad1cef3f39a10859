#pragma once
// harvest's exit codes (documented in README.md).
namespace harvest::cli {

inline constexpr int exit_ok = 0;          // complete, or --target reached
inline constexpr int exit_fatal = 1;       // fatal runtime error (cannot write output, listing failed, ...)
inline constexpr int exit_usage = 2;       // usage or configuration error
inline constexpr int exit_failures = 3;    // finished, with permanent failures in failures.jsonl
inline constexpr int exit_interrupted = 4; // SIGINT/SIGTERM
inline constexpr int exit_locked = 5;      // another run holds the state lock

} // namespace harvest::cli
