#include <harvest/export/dataset_directory.hpp>

#include <harvest/error.hpp>
#include <harvest/export/compressor.hpp>

#include <algorithm>

namespace harvest::exporting {
namespace fs = std::filesystem;

dataset_directory::dataset_directory(const std::string& out, const std::string& suffix) : out_(out) {
    const fs::path p(out);
    const auto name = p.filename().string();
    const auto c = compression_for(out);
    const auto stem = (c ? name.substr(0, name.size() - extension(*c).size()) : name) + suffix;
    file_name_ = stem + (c ? std::string(extension(*c)) : std::string());
    root_ = p.parent_path() / stem;
}

void dataset_directory::check() const {
    auto bad = [&](const std::string& why) { return failure(errc::invalid_input, "out", out_ + ": " + why); };
    std::error_code ec;
    const auto status = fs::symlink_status(root_, ec);
    if (!fs::exists(status)) return;
    if (!fs::is_directory(fs::status(root_, ec)))
        throw bad("the dataset goes into the directory " + root_.string() + ", which is a file (move it, or choose another --out)");
    if (fs::is_directory(private_dir(), ec) || fs::is_empty(root_, ec)) return;
    throw bad("the dataset goes into the directory " + root_.string() +
              ", which holds other files and no .harvest/ (not a harvest dataset; choose another --out)");
}

void dataset_directory::create() const { fs::create_directories(private_dir()); }

std::vector<std::string> dataset_directory::tables() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_, ec)) {
        const auto name = e.path().filename().string();
        if (e.is_directory() && !name.starts_with('.') && fs::is_regular_file(table(name))) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace harvest::exporting
