#pragma once
// SHA-256 (OpenSSL EVP), fed in pieces: shard checksums for the manifest, record content hashes
// for incremental runs.
#include <memory>
#include <string>
#include <string_view>

namespace harvest::exporting {

class sha256 {
public:
    sha256();
    ~sha256();
    sha256(const sha256&) = delete;
    sha256& operator=(const sha256&) = delete;

    void update(std::string_view data);
    std::string hex_digest(); // ends the computation

private:
    struct context;
    std::unique_ptr<context> ctx_;
};

std::string sha256_hex(std::string_view data);

} // namespace harvest::exporting
