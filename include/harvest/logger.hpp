#pragma once
// One logger for the whole run, handed to the client, the sources and the engine. A line is a
// message in words plus its figures as named fields: --log-format text prints the message (the
// figures are in its words), json prints every field as its own member.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace harvest {

enum class log_level { error, warn, info, debug };
enum class log_format { text, json };

std::optional<log_level> parse_log_level(std::string_view name) noexcept;
std::string_view to_string(log_level level) noexcept;

struct log_field {
    std::string_view key;
    std::variant<std::string_view, double, std::int64_t, std::uint64_t, bool> value;

    log_field(std::string_view k, std::string_view v) : key(k), value(v) {}
    log_field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    log_field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    log_field(std::string_view k, double v) : key(k), value(v) {}
    log_field(std::string_view k, bool v) : key(k), value(v) {}
    template <class Int>
        requires std::is_integral_v<Int> && (!std::is_same_v<Int, bool>)
    log_field(std::string_view k, Int v) : key(k) {
        if constexpr (std::is_signed_v<Int>) value = static_cast<std::int64_t>(v);
        else value = static_cast<std::uint64_t>(v);
    }
};

class logger {
public:
    using sink = std::function<void(std::string_view line)>; // one line, ending in '\n'
    using clock = std::function<std::string()>;              // RFC 3339 UTC time for each line

    // Defaults: lines to stderr, the system clock.
    explicit logger(log_level least = log_level::info, log_format format = log_format::text, sink out = {}, clock now = {});

    bool enabled(log_level level) const noexcept { return level <= least_; }
    void log(log_level level, std::string_view message, std::initializer_list<log_field> fields = {}) const;
    void error(std::string_view message, std::initializer_list<log_field> fields = {}) const { log(log_level::error, message, fields); }
    void warn(std::string_view message, std::initializer_list<log_field> fields = {}) const { log(log_level::warn, message, fields); }
    void info(std::string_view message, std::initializer_list<log_field> fields = {}) const { log(log_level::info, message, fields); }
    void debug(std::string_view message, std::initializer_list<log_field> fields = {}) const { log(log_level::debug, message, fields); }

    // A logger that drops everything (the default of components given none).
    static const logger& silent();

private:
    log_level least_;
    log_format format_;
    sink out_;
    clock now_;
    bool silent_ = false;
};

// The current UTC time as RFC 3339 with seconds ("2026-12-01T20:32:20Z").
std::string utc_now();

} // namespace harvest
