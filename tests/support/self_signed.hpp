#pragma once
// A self-signed certificate and key made with OpenSSL at run time, in a private temporary
// directory removed on destruction.
#include <chrono>
#include <filesystem>
#include <string>

namespace harvest::test {

class self_signed_cert {
public:
    // Valid for `host` (DNS name in subjectAltName, plus IP 127.0.0.1) from now for `valid_for`.
    explicit self_signed_cert(const std::string& host = "localhost",
                              std::chrono::seconds valid_for = std::chrono::hours(24));
    ~self_signed_cert();
    self_signed_cert(const self_signed_cert&) = delete;
    self_signed_cert& operator=(const self_signed_cert&) = delete;

    const std::filesystem::path& cert() const noexcept { return cert_; }
    const std::filesystem::path& key() const noexcept { return key_; }

private:
    std::filesystem::path dir_, cert_, key_;
};

// A fresh empty directory under the system temp dir; removed by the caller.
std::filesystem::path make_temp_dir(const std::string& prefix);

// A fresh empty directory, removed with everything in it at the end of the scope.
struct temp_dir {
    std::filesystem::path path;
    explicit temp_dir(const std::string& prefix = "harvest-test") : path(make_temp_dir(prefix)) {}
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

} // namespace harvest::test
