#pragma once
// Every failure harvest reports is an error_code in this category, with a one-line message.
#include <stdexcept>
#include <string>
#include <system_error>

namespace harvest {

enum class errc {
    body_too_large = 1,   // a body (or its decoded form) exceeds the configured limit
    bad_content_coding,   // a compressed body could not be decoded
    unsupported_content_coding,
    bad_url,              // not an absolute http(s) URL
    too_many_redirects,
    redirect_loop,
    insecure_redirect,    // https -> http, or to another scheme
    retries_exhausted,    // still failing after every retry the policy allows
    cancelled,            // the client was stopped
    proxy_refused,        // the proxy did not open a CONNECT tunnel
    invalid_input,        // a setting, file or id that cannot be used as given
    dataset_exists,       // the output already holds a dataset, and the run neither continues nor replaces it
    listing_failed,       // the source's enumeration could not be read
    dataset_locked,       // another run holds the dataset
    write_failed,         // the output or its state could not be written (full disk, I/O error)
    malformed_body,       // a 200 whose body the source cannot use, on every attempt
};

const std::error_category& harvest_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), harvest_category()};
}

// One failure as every layer reports it: its kind, one line naming the thing and what was
// expected, and whether asking again could help.
struct error {
    std::error_code code;
    std::string message;
    bool permanent = false;
    // The job setting the message is about, by its name without dashes ("out", "state", "ids",
    // "split"), or empty. The message starts with that setting's value and names no flag: the
    // command line shows it as "--<setting> <message>".
    std::string setting;

    friend bool operator==(const error&, const error&) = default;
};

// Start-up failures (bad settings, unusable files) travel as this exception; the CLI maps its
// code to an exit code and prints its message.
class failure : public std::runtime_error {
public:
    explicit failure(error e) : std::runtime_error(e.message), error_(std::move(e)) {}
    failure(errc code, std::string message) : failure(error{make_error_code(code), std::move(message), true, {}}) {}
    failure(errc code, std::string setting, std::string message)
        : failure(error{make_error_code(code), std::move(message), true, std::move(setting)}) {}
    const harvest::error& details() const noexcept { return error_; }

private:
    harvest::error error_;
};

} // namespace harvest

template <>
struct std::is_error_code_enum<harvest::errc> : std::true_type {};
