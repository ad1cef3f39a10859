#include <harvest/export/sha256.hpp>

#include <openssl/evp.h>

namespace harvest::exporting {

struct sha256::context {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    context() { EVP_DigestInit_ex(md, EVP_sha256(), nullptr); }
    ~context() { EVP_MD_CTX_free(md); }
};

sha256::sha256() : ctx_(std::make_unique<context>()) {}
sha256::~sha256() = default;

void sha256::update(std::string_view data) { EVP_DigestUpdate(ctx_->md, data.data(), data.size()); }

std::string sha256::hex_digest() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx_->md, md, &len);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    sha256 h;
    h.update(data);
    return h.hex_digest();
}

} // namespace harvest::exporting
