#include <harvest/cli/errors.hpp>

#include <harvest/cli/exit_codes.hpp>

namespace harvest::cli {

std::string describe(const error& e) {
    std::string text = e.setting.empty() ? e.message : "--" + e.setting + " " + e.message;
    if (e.code == errc::dataset_exists) text += "; use --resume to continue it, --incremental to update it, or --fresh to start over";
    return text;
}

int exit_code_for(const error& e) {
    if (e.code == errc::invalid_input || e.code == errc::dataset_exists) return exit_usage;
    if (e.code == errc::dataset_locked) return exit_locked;
    return exit_fatal;
}

} // namespace harvest::cli
