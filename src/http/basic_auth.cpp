#include <harvest/http/basic_auth.hpp>

#include <openssl/evp.h>

namespace harvest::http {

std::string basic_authorization(std::string_view user, std::string_view password) {
    std::string pair;
    pair.append(user).append(":").append(password);
    std::string encoded(4 * ((pair.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), reinterpret_cast<const unsigned char*>(pair.data()),
                                  static_cast<int>(pair.size()));
    encoded.resize(static_cast<std::size_t>(n));
    return "Basic " + encoded;
}

} // namespace harvest::http
