#pragma once
// A small SVG 1.1 writer: elements with attributes, text escaped. Enough for line charts that
// open in any browser, with no run-time dependency.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace harvest::tune {

class svg_writer {
public:
    using attributes = std::initializer_list<std::pair<std::string_view, std::string>>;

    svg_writer(double width, double height);
    // <name a="v" .../>
    svg_writer& element(std::string_view name, attributes attrs);
    // <name a="v" ...>text</name>
    svg_writer& text_element(std::string_view name, attributes attrs, std::string_view text);
    svg_writer& open(std::string_view name, attributes attrs);
    svg_writer& close(std::string_view name);
    // The document, closed.
    std::string finish();

    static std::string escape(std::string_view text);
    static std::string number(double v); // at most 2 decimals, no exponent

private:
    void start_tag(std::string_view name, attributes attrs);
    std::string out_;
};

} // namespace harvest::tune
