#include <harvest/export/dataset_writer.hpp>

#include <cmath>
#include <cstdio>
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

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

} // namespace

std::vector<split_spec> parse_splits(std::string_view text) {
    const std::string expected = " (expected name=fraction,... with fractions summing to 1, e.g. train=0.9,val=0.05,test=0.05)";
    std::vector<split_spec> out;
    double total = 0;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) throw std::invalid_argument("--split: '" + std::string(item) + "' has no '='" + expected);
        split_spec s{std::string(item.substr(0, eq)), 0};
        if (!valid_split_name(s.name)) throw std::invalid_argument("--split: '" + s.name + "' is not a split name (a-z, 0-9, _ and -)" + expected);
        for (const auto& other : out)
            if (other.name == s.name) throw std::invalid_argument("--split: '" + s.name + "' appears twice");
        const std::string number(item.substr(eq + 1));
        char* end = nullptr;
        s.fraction = std::strtod(number.c_str(), &end);
        if (number.empty() || *end != '\0' || !(s.fraction > 0) || s.fraction > 1)
            throw std::invalid_argument("--split: '" + number + "' for " + s.name + " is not a fraction in (0, 1]" + expected);
        total += s.fraction;
        out.push_back(std::move(s));
    }
    if (out.empty()) throw std::invalid_argument("--split: empty" + expected);
    if (std::abs(total - 1.0) > 1e-6) throw std::invalid_argument("--split: fractions sum to " + std::to_string(total) + expected);
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

dataset_writer::dataset_writer(std::string out, std::optional<std::size_t> shard_size, std::vector<split_spec> splits)
    : out_(std::move(out)), shard_size_(shard_size), splits_(std::move(splits)) {
    if (out_ == "-") {
        if (shard_size_ || !splits_.empty()) throw std::invalid_argument("--out -: standard output takes neither --shard-size nor --split");
        return;
    }
    const auto c = compression_for(out_);
    if (!c) throw std::invalid_argument("--out " + out_ + ": expected a path ending in .jsonl, .jsonl.gz or .jsonl.zst, or - for standard output");
    compression_ = *c;
    const fs::path p(out_);
    dir_ = p.parent_path().string();
    const auto name = p.filename().string();
    stem_ = name.substr(0, name.size() - extension(compression_).size());
    if (stem_.empty()) throw std::invalid_argument("--out " + out_ + ": the file name needs a stem before " + std::string(extension(compression_)));
    if (!dir_.empty() && !fs::is_directory(dir_)) throw std::invalid_argument("--out " + out_ + ": directory " + dir_ + " does not exist");

    // Shard numbers continue after the highest already on disk, per split.
    if (shard_size_) {
        const std::string ext(extension(compression_));
        for (const auto& e : fs::directory_iterator(dir_.empty() ? fs::path(".") : fs::path(dir_))) {
            const auto f = e.path().filename().string();
            if (!f.starts_with(stem_) || !f.ends_with(ext)) continue;
            const auto middle = f.substr(stem_.size(), f.size() - stem_.size() - ext.size()); // [.split]-NNNNN
            const auto dash = middle.rfind('-');
            if (dash == std::string::npos || middle.size() - dash != 6) continue;
            const auto digits = middle.substr(dash + 1);
            if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
            const auto split = dash == 0 ? no_split : middle.front() == '.' ? middle.substr(1, dash - 1) : std::string();
            if (split.empty()) continue;
            auto& next = next_number_[split];
            next = std::max(next, static_cast<unsigned>(std::stoul(digits)) + 1);
        }
    }
}

dataset_writer::~dataset_writer() = default; // open (incomplete) files remove their temporaries

std::string dataset_writer::file_name(const std::string& split, unsigned number) const {
    std::string name = stem_;
    if (split != no_split) name += "." + split;
    if (shard_size_) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "-%05u", number);
        name += buf;
    }
    return name + std::string(extension(compression_));
}

dataset_writer::open_shard& dataset_writer::shard_for(const std::string& split) {
    auto& s = open_[split];
    if (!s.file) {
        s.split = split;
        if (out_ == "-") {
            s.file = std::make_unique<jsonl_file>("-");
        } else {
            auto& next = next_number_[split];
            if (next == 0) next = 1;
            const auto path = (dir_.empty() ? fs::path(file_name(split, next)) : fs::path(dir_) / file_name(split, next));
            ++next;
            s.file = std::make_unique<jsonl_file>(path, compression_);
        }
    }
    return s;
}

void dataset_writer::complete(open_shard& s) {
    s.file->commit();
    done_.push_back({s.file->path().filename().string(), s.split, s.file->records(), s.file->bytes(), s.file->sha256_hex()});
    s.file.reset();
}

void dataset_writer::add(std::string_view id, std::string_view line) {
    const std::string& split = splits_.empty() ? no_split : assign_split(id, splits_);
    auto& s = shard_for(split);
    s.file->write(line, 1);
    ++records_;
    if (shard_size_ && s.file->records() >= *shard_size_) complete(s);
}

void dataset_writer::flush() {
    for (auto& [split, s] : open_)
        if (s.file) s.file->flush();
}

void dataset_writer::commit() {
    for (auto& [split, s] : open_)
        if (s.file) complete(s);
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
