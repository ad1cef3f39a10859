#include "self_signed.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace harvest::test {
namespace fs = std::filesystem;

fs::path make_temp_dir(const std::string& prefix) {
    static std::atomic<unsigned> counter{0};
    for (;;) {
        auto dir = fs::temp_directory_path() /
                   (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        if (fs::create_directory(dir)) return dir;
    }
}

namespace {

template <auto Free> struct deleter {
    template <class T> void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) throw std::runtime_error("self_signed_cert: bad extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

} // namespace

self_signed_cert::self_signed_cert(const std::string& host, std::chrono::seconds valid_for)
    : dir_(make_temp_dir("harvest-tls")), cert_(dir_ / "cert.pem"), key_(dir_ / "key.pem") {
    pkey_ptr key(EVP_EC_gen("P-256"));
    x509_ptr cert(X509_new());
    if (!key || !cert) throw std::runtime_error("self_signed_cert: OpenSSL allocation failed");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(::getpid()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), valid_for.count() > 0 ? -60 : -2 * 86400);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), valid_for.count());
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    const std::string san = "DNS:" + host + ",IP:127.0.0.1";
    add_extension(cert.get(), NID_subject_alt_name, san.c_str());
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("self_signed_cert: signing failed");

    FILE* f = std::fopen(cert_.c_str(), "w");
    if (!f || PEM_write_X509(f, cert.get()) != 1) throw std::runtime_error("self_signed_cert: cannot write cert");
    std::fclose(f);
    f = std::fopen(key_.c_str(), "w");
    if (!f || PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("self_signed_cert: cannot write key");
    std::fclose(f);
}

self_signed_cert::~self_signed_cert() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

} // namespace harvest::test
