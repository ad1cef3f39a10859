#include <harvest/export/dataset_writer.hpp>

#include <harvest/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace harvest::exporting {
namespace fs = std::filesystem;

namespace {

const std::string no_split = "all";

bool valid_split_name(std::string_view n) {
    if (n.empty() || n.size() > 32) return false;
    for (char c : n)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    return true;
}

// FNV-1a 64 with offset basis 1469598103934665603: a digit short of the published basis
// (14695981039346656037), kept as it is, since every dataset's splits were assigned with it.
std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

} // namespace

std::vector<split_spec> parse_splits(std::string_view text) {
    const std::string spec(text);
    auto bad = [&spec](const std::string& why) {
        return failure(errc::invalid_input, "split",
                       spec + ": " + why + " (expected name=fraction,... with fractions summing to 1, e.g. train=0.9,val=0.05,test=0.05)");
    };
    std::vector<split_spec> out;
    double total = 0;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) throw bad("'" + std::string(item) + "' has no '='");
        split_spec s{std::string(item.substr(0, eq)), 0};
        if (!valid_split_name(s.name)) throw bad("'" + s.name + "' is not a split name (a-z, 0-9, _ and -)");
        for (const auto& other : out)
            if (other.name == s.name) throw bad("'" + s.name + "' appears twice");
        const std::string number(item.substr(eq + 1));
        char* end = nullptr;
        s.fraction = std::strtod(number.c_str(), &end);
        if (number.empty() || *end != '\0' || !(s.fraction > 0) || s.fraction > 1)
            throw bad("'" + number + "' for " + s.name + " is not a fraction in (0, 1]");
        total += s.fraction;
        out.push_back(std::move(s));
    }
    if (out.empty()) throw bad("empty");
    if (std::abs(total - 1.0) > 1e-6) throw bad("fractions sum to " + std::to_string(total));
    return out;
}

const std::string& assign_split(std::string_view id, const std::vector<split_spec>& splits) {
    const double u = static_cast<double>(fnv1a(id) >> 11) / static_cast<double>(1ull << 53);
    double cumulative = 0;
    for (const auto& s : splits) {
        cumulative += s.fraction;
        if (u < cumulative) return s.name;
    }
    return splits.back().name; // rounding at the top end
}

std::optional<output_name> parse_output_name(std::string_view stem, compression c, std::string_view file_name) {
    const auto ext = extension(c);
    if (!file_name.starts_with(stem) || !file_name.ends_with(ext) || file_name.size() < stem.size() + ext.size()) return std::nullopt;
    auto middle = file_name.substr(stem.size(), file_name.size() - stem.size() - ext.size()); // [.split][-NNNNN]
    output_name out;
    const auto dash = middle.rfind('-');
    if (dash != std::string_view::npos && middle.size() - dash == 6 &&
        middle.find_first_not_of("0123456789", dash + 1) == std::string_view::npos) {
        out.number = static_cast<unsigned>(std::stoul(std::string(middle.substr(dash + 1))));
        middle = middle.substr(0, dash);
    }
    if (middle.empty()) {
        out.split = no_split;
    } else {
        if (middle.front() != '.' || !valid_split_name(middle.substr(1))) return std::nullopt;
        out.split = std::string(middle.substr(1));
    }
    return out;
}

namespace {

// The directory `p` would be created in exists, and a file can be created there.
template <class Bad>
void check_directory_of(const fs::path& p, const Bad& bad) {
    const auto dir = p.parent_path();
    if (!dir.empty() && !fs::is_directory(dir)) throw bad("directory " + dir.string() + " does not exist");
    // Permissions alone do not tell (root, read-only mounts, /proc): try to create a file.
    const auto probe = (dir.empty() ? fs::path(".") : dir) / (".harvest-probe-" + std::to_string(::getpid()));
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw bad("cannot create files in directory " + (dir.empty() ? std::string(".") : dir.string()) + " (" + std::strerror(errno) + ")");
    ::close(fd);
    ::unlink(probe.c_str());
}

} // namespace

void validate_output(const std::string& out, std::optional<std::size_t> shard_size, const std::vector<split_spec>& splits, std::string_view setting) {
    auto bad = [&](const std::string& why) { return failure(errc::invalid_input, std::string(setting), out + ": " + why); };
    if (out == "-") {
        if (shard_size || !splits.empty()) throw bad("standard output takes neither shards nor splits");
        return;
    }
    const auto c = compression_for(out);
    if (!c) throw bad("expected a path ending in .jsonl, .jsonl.gz or .jsonl.zst, or - for standard output");
    const fs::path p(out);
    const auto name = p.filename().string();
    if (name.size() == extension(*c).size())
        throw bad("the file name needs a stem before " + std::string(extension(*c)));
    check_directory_of(p, bad);
}

void validate_writable_file(const std::string& path, std::string_view setting) {
    auto bad = [&](const std::string& why) { return failure(errc::invalid_input, std::string(setting), path + ": " + why); };
    if (path.empty()) throw bad("expected a file path");
    if (fs::is_directory(path)) throw bad("is a directory; expected a file path");
    check_directory_of(fs::path(path), bad);
}

dataset_writer::dataset_writer(std::string out, std::optional<std::size_t> shard_size, std::vector<split_spec> splits)
    : out_(std::move(out)), shard_size_(shard_size), splits_(std::move(splits)) {
    validate_output(out_, shard_size_, splits_);
    if (out_ == "-") return;
    compression_ = *compression_for(out_);
    const fs::path p(out_);
    dir_ = p.parent_path().string();
    const auto name = p.filename().string();
    stem_ = name.substr(0, name.size() - extension(compression_).size());

    // Shard numbers continue after the highest already on disk, per split.
    numbered_ = shard_size_.has_value();
    for (const auto& e : fs::directory_iterator(dir_.empty() ? fs::path(".") : fs::path(dir_))) {
        const auto name = parse_output_name(stem_, compression_, e.path().filename().string());
        if (!name) continue;
        auto& next = next_number_[name->split];
        if (!name->number) { // the unsharded file of an earlier run: continue as number 2
            numbered_ = true;
            next = std::max(next, 2u);
            continue;
        }
        next = std::max(next, *name->number + 1);
    }
}

dataset_writer::~dataset_writer() = default; // open (incomplete) files remove their temporaries

std::string dataset_writer::file_name(const std::string& split, unsigned number) const {
    std::string name = stem_;
    if (split != no_split) { // appended: g++ 12 warns falsely (-Wrestrict) on "." + string
        name += '.';
        name += split;
    }
    if (numbered_) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "-%05u", number);
        name += buf;
    }
    name += extension(compression_);
    return name;
}

dataset_writer::open_shard& dataset_writer::shard_for(const std::string& split) {
    auto& s = open_[split];
    if (!s.file) {
        s.split = split;
        if (out_ == "-") {
            s.name = out_; // "-"
            s.file = std::make_unique<jsonl_file>("-");
        } else {
            auto& next = next_number_[split];
            if (next == 0) next = 1;
            s.name = file_name(split, next);
            ++next;
            s.file = std::make_unique<jsonl_file>(dir_.empty() ? fs::path(s.name) : fs::path(dir_) / s.name, compression_);
        }
    }
    return s;
}

shard_info dataset_writer::complete(open_shard& s) {
    s.file->commit();
    done_.push_back({s.name, s.split, s.file->records(), s.file->bytes(), s.file->sha256_hex()});
    s.file.reset();
    return done_.back();
}

std::string dataset_writer::add(std::string_view id, std::string_view line) {
    const std::string& split = splits_.empty() ? no_split : assign_split(id, splits_);
    auto& s = shard_for(split);
    s.file->write(line, 1);
    ++records_;
    if (shard_size_ && s.file->records() >= *shard_size_) {
        full_.push_back(std::move(s));
        s.file.reset();
        return full_.back().name;
    }
    return s.name;
}

void dataset_writer::flush() {
    for (auto& [split, s] : open_)
        if (s.file) s.file->flush();
    for (auto& s : full_) s.file->flush();
}

std::vector<shard_progress> dataset_writer::sync() {
    std::vector<shard_progress> out;
    auto one = [&](open_shard& s) {
        s.file->sync();
        out.push_back({s.name, s.split, s.file->temp_path().string(), s.file->records(), s.file->bytes()});
    };
    for (auto& s : full_) one(s);
    for (auto& [split, s] : open_)
        if (s.file) one(s);
    return out;
}

std::vector<shard_info> dataset_writer::seal_full() {
    std::vector<shard_info> out;
    for (auto& s : full_) out.push_back(complete(s));
    full_.clear();
    return out;
}

std::vector<shard_info> dataset_writer::commit() {
    auto out = seal_full();
    for (auto& [split, s] : open_)
        if (s.file) out.push_back(complete(s));
    return out;
}

std::map<std::string, std::uint64_t> dataset_writer::split_counts() const {
    std::map<std::string, std::uint64_t> counts;
    for (const auto& s : done_) counts[s.split] += s.records;
    return counts;
}

std::uint64_t dataset_writer::bytes() const noexcept {
    std::uint64_t total = 0;
    for (const auto& s : done_) total += s.bytes;
    return total;
}

} // namespace harvest::exporting
