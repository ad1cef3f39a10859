#include <harvest/export/jsonl_file.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

namespace harvest::exporting {
namespace fs = std::filesystem;

namespace {

std::string io_error(std::string_view action, const fs::path& p) {
    return "cannot " + std::string(action) + " " + p.string() + ": " + std::strerror(errno);
}

fs::path temp_beside(const fs::path& final_path) {
    std::string name(1, '.'); // built by appends: g++ 12 warns falsely (-Wrestrict) on "." + string
    name += final_path.filename().string();
    name += ".tmp-";
    name += std::to_string(::getpid());
    // A crashed run's temporary (same PID after a reboot) must never be reopened as ours.
    name += '-';
    name += std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    return final_path.parent_path() / name;
}

void sync_and_close(std::FILE* f, const fs::path& p) {
    if (std::fflush(f) != 0 || ::fsync(::fileno(f)) != 0) {
        const auto message = io_error("write", p);
        std::fclose(f);
        throw std::runtime_error(message);
    }
    if (std::fclose(f) != 0) throw std::runtime_error(io_error("close", p));
}

} // namespace

jsonl_file::jsonl_file(fs::path final_path, compression c)
    : final_(std::move(final_path)), digest_(std::make_unique<sha256>()), compressor_(compressor::make(c)) {
    if (final_ == "-") {
        to_stdout_ = true;
        file_ = stdout;
        return;
    }
    const auto dir = final_.parent_path().empty() ? fs::path(".") : final_.parent_path();
    if (!fs::is_directory(dir)) throw std::runtime_error("output directory does not exist: " + dir.string());
    temp_ = temp_beside(final_);
    file_ = std::fopen(temp_.c_str(), "wb");
    if (!file_) throw std::runtime_error(io_error("create", temp_));
}

jsonl_file::~jsonl_file() {
    if (to_stdout_ || committed_) return;
    if (file_) std::fclose(file_);
    std::error_code ec;
    fs::remove(temp_, ec);
}

void jsonl_file::write(std::string_view lines, std::size_t records) {
    pending_.append(lines);
    records_ += records;
}

void jsonl_file::flush() {
    if (pending_.empty()) return;
    encoded_.clear();
    compressor_->write(pending_, encoded_);
    pending_.clear();
    write_out();
}

void jsonl_file::sync() {
    encoded_.clear();
    compressor_->write(pending_, encoded_);
    pending_.clear();
    compressor_->flush(encoded_);
    write_out();
    if (to_stdout_) {
        std::fflush(stdout);
        return;
    }
    if (std::fflush(file_) != 0 || ::fdatasync(::fileno(file_)) != 0) throw std::runtime_error(io_error("write", temp_));
}

void jsonl_file::write_out() {
    if (encoded_.empty()) return;
    if (std::fwrite(encoded_.data(), 1, encoded_.size(), file_) != encoded_.size())
        throw std::runtime_error(io_error("write", to_stdout_ ? fs::path("standard output") : temp_));
    digest_->update(encoded_);
    bytes_ += encoded_.size();
    encoded_.clear();
}

void jsonl_file::commit() {
    flush();
    compressor_->finish(encoded_);
    write_out();
    sha256_ = digest_->hex_digest();
    if (to_stdout_) {
        std::fflush(stdout);
        committed_ = true;
        return;
    }
    sync_and_close(file_, temp_);
    file_ = nullptr;
    if (std::rename(temp_.c_str(), final_.c_str()) != 0) throw std::runtime_error(io_error("rename into", final_));
    committed_ = true;
}

std::string jsonl_file::sha256_hex() const { return sha256_; }

void write_file_atomically(const fs::path& path, std::string_view content) {
    const auto temp = temp_beside(path);
    std::FILE* f = std::fopen(temp.c_str(), "wb");
    if (!f) throw std::runtime_error(io_error("create", temp));
    if (std::fwrite(content.data(), 1, content.size(), f) != content.size()) {
        const auto message = io_error("write", temp);
        std::fclose(f);
        std::remove(temp.c_str());
        throw std::runtime_error(message);
    }
    sync_and_close(f, temp);
    if (std::rename(temp.c_str(), path.c_str()) != 0) throw std::runtime_error(io_error("rename into", path));
}

} // namespace harvest::exporting
