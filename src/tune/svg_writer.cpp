#include <harvest/tune/svg_writer.hpp>

#include <cmath>
#include <cstdio>

namespace harvest::tune {

svg_writer::svg_writer(double width, double height) {
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
           number(width) + "\" height=\"" + number(height) + "\" viewBox=\"0 0 " + number(width) + " " + number(height) +
           "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n";
}

std::string svg_writer::escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string svg_writer::number(double v) {
    if (!std::isfinite(v)) v = 0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

void svg_writer::start_tag(std::string_view name, attributes attrs) {
    out_ += '<';
    out_ += name;
    for (const auto& [key, value] : attrs) {
        out_ += ' ';
        out_ += key;
        out_ += "=\"";
        out_ += escape(value);
        out_ += '"';
    }
}

svg_writer& svg_writer::element(std::string_view name, attributes attrs) {
    start_tag(name, attrs);
    out_ += "/>\n";
    return *this;
}

svg_writer& svg_writer::text_element(std::string_view name, attributes attrs, std::string_view text) {
    start_tag(name, attrs);
    out_ += '>';
    out_ += escape(text);
    out_ += "</";
    out_ += name;
    out_ += ">\n";
    return *this;
}

svg_writer& svg_writer::open(std::string_view name, attributes attrs) {
    start_tag(name, attrs);
    out_ += ">\n";
    return *this;
}

svg_writer& svg_writer::close(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += ">\n";
    return *this;
}

std::string svg_writer::finish() {
    out_ += "</svg>\n";
    return std::move(out_);
}

} // namespace harvest::tune
