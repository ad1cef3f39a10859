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
