#include <harvest/error.hpp>

#include <string>

namespace harvest {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "harvest"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::body_too_large: return "body exceeds the configured size limit";
        case errc::bad_content_coding: return "compressed body is corrupt or truncated";
        case errc::unsupported_content_coding: return "unsupported Content-Encoding";
        case errc::bad_url: return "not an absolute http or https URL";
        case errc::too_many_redirects: return "too many redirects";
        case errc::redirect_loop: return "redirect loop";
        case errc::insecure_redirect: return "redirect to a less secure scheme refused";
        case errc::retries_exhausted: return "retries exhausted";
        case errc::cancelled: return "cancelled";
        case errc::proxy_refused: return "the proxy refused the CONNECT tunnel";
        case errc::invalid_input: return "invalid input";
        case errc::dataset_exists: return "the output already holds a dataset";
        case errc::listing_failed: return "the listing could not be read";
        case errc::dataset_locked: return "the dataset is locked by another run";
        case errc::write_failed: return "the output could not be written";
        case errc::malformed_body: return "the body is malformed";
        }
        return "unknown harvest error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& harvest_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace harvest
