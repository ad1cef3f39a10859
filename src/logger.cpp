#include <harvest/logger.hpp>

#include <harvest/export/json_writer.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace harvest {

std::optional<log_level> parse_log_level(std::string_view name) noexcept {
    if (name == "error") return log_level::error;
    if (name == "warn") return log_level::warn;
    if (name == "info") return log_level::info;
    if (name == "debug") return log_level::debug;
    return std::nullopt;
}

std::string_view to_string(log_level level) noexcept {
    switch (level) {
    case log_level::error: return "error";
    case log_level::warn: return "warn";
    case log_level::info: return "info";
    case log_level::debug: return "debug";
    }
    return "info";
}

std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

logger::logger(log_level least, log_format format, sink out, clock now)
    : least_(least), format_(format), out_(std::move(out)), now_(std::move(now)) {
    if (!out_) out_ = [](std::string_view line) {
        std::fwrite(line.data(), 1, line.size(), stderr);
        std::fflush(stderr);
    };
    if (!now_) now_ = utc_now;
}

const logger& logger::silent() {
    static const logger instance = [] {
        logger l(log_level::error, log_format::text, [](std::string_view) {});
        l.silent_ = true;
        return l;
    }();
    return instance;
}

void logger::log(log_level level, std::string_view message, std::initializer_list<log_field> fields) const {
    if (silent_ || !enabled(level)) return;
    std::string line;
    if (format_ == log_format::text) {
        line = now_();
        line += " harvest: ";
        if (level == log_level::warn || level == log_level::error) {
            line += to_string(level);
            line += ": ";
        }
        line += message;
    } else {
        exporting::json_writer w(line);
        w.begin_object().key("time").value(now_()).key("level").value(to_string(level)).key("message").value(message);
        for (const auto& f : fields) {
            w.key(f.key);
            std::visit([&w](const auto& v) { w.value(v); }, f.value);
        }
        w.end_object();
    }
    line += '\n';
    out_(line);
}

} // namespace harvest
