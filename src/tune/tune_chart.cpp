#include <harvest/tune/svg_writer.hpp>
#include <harvest/tune/tune_chart.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

namespace harvest::tune {
namespace {

constexpr double width = 860, height = 470;
constexpr double left = 72, right = 560, top = 56, bottom = 404;
constexpr std::array<const char*, 8> palette{"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf"};
constexpr const char* limiter_colour = "#d62728";
constexpr const char* ideal_colour = "#444444";

// 1, 2, 5 × 10^n at or above v.
double nice_ceiling(double v) {
    if (v <= 0) return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= v) return m * p;
    return 10 * p;
}

struct axes {
    double wmin, wmax, ymax;
    bool log_x;
    double x(double workers) const {
        if (wmax <= wmin) return (left + right) / 2;
        const double f = log_x ? (std::log(workers) - std::log(wmin)) / (std::log(wmax) - std::log(wmin)) : (workers - wmin) / (wmax - wmin);
        return left + f * (right - left);
    }
    double y(double rps) const { return bottom - std::min(rps, ymax * 1.02) / ymax * (bottom - top); }
};

std::string fmt(double v) { return svg_writer::number(v); }

} // namespace

std::string tune_chart_svg(const std::vector<trial_result>& trials, const tune_references& refs, const recommendation& chosen,
                           std::string_view title) {
    std::set<std::size_t> workers;
    std::map<std::size_t, std::vector<const trial_result*>> by_batch;
    double best = 0;
    for (const auto& t : trials) {
        workers.insert(t.workers);
        by_batch[t.batch_size].push_back(&t);
        best = std::max(best, t.records_per_second);
    }
    axes a{workers.empty() ? 1.0 : static_cast<double>(*workers.begin()), workers.empty() ? 1.0 : static_cast<double>(*workers.rbegin()), 0,
           false};
    a.log_x = a.wmin > 0 && a.wmax / a.wmin >= 8;
    a.ymax = nice_ceiling(1.1 * std::max({best, refs.limiter_records_per_s.value_or(0.0), 1.0}));

    svg_writer svg(width, height);
    svg.element("rect", {{"width", fmt(width)}, {"height", fmt(height)}, {"fill", "white"}});
    svg.text_element("text", {{"x", fmt(width / 2)}, {"y", "28"}, {"text-anchor", "middle"}, {"font-size", "16"}, {"font-weight", "bold"}}, title);
    svg.open("defs", {}).open("clipPath", {{"id", "plot-area"}})
        .element("rect", {{"x", fmt(left)}, {"y", fmt(top)}, {"width", fmt(right - left)}, {"height", fmt(bottom - top)}})
        .close("clipPath").close("defs");

    // Grid and axes.
    for (int i = 0; i <= 5; ++i) {
        const double v = a.ymax * i / 5, y = a.y(v);
        svg.element("line", {{"x1", fmt(left)}, {"x2", fmt(right)}, {"y1", fmt(y)}, {"y2", fmt(y)}, {"stroke", i ? "#e5e5e5" : "#333"}});
        svg.text_element("text", {{"x", fmt(left - 8)}, {"y", fmt(y + 4)}, {"text-anchor", "end"}, {"font-size", "11"}}, fmt(v));
    }
    for (auto w : workers) {
        const double x = a.x(static_cast<double>(w));
        svg.element("line", {{"x1", fmt(x)}, {"x2", fmt(x)}, {"y1", fmt(top)}, {"y2", fmt(bottom)}, {"stroke", "#f0f0f0"}});
        svg.text_element("text", {{"x", fmt(x)}, {"y", fmt(bottom + 18)}, {"text-anchor", "middle"}, {"font-size", "11"}}, std::to_string(w));
    }
    svg.element("line", {{"x1", fmt(left)}, {"x2", fmt(left)}, {"y1", fmt(top)}, {"y2", fmt(bottom)}, {"stroke", "#333"}});
    svg.text_element("text", {{"x", fmt((left + right) / 2)}, {"y", fmt(bottom + 40)}, {"text-anchor", "middle"}, {"font-size", "13"}},
                     a.log_x ? "workers (requests in flight, log scale)" : "workers (requests in flight)");
    svg.text_element("text", {{"x", "18"}, {"y", fmt((top + bottom) / 2)}, {"text-anchor", "middle"}, {"font-size", "13"},
                              {"transform", "rotate(-90 18 " + fmt((top + bottom) / 2) + ")"}},
                     "records/s");

    // Reference lines, clipped to the plot.
    svg.open("g", {{"clip-path", "url(#plot-area)"}});
    if (refs.limiter_records_per_s) {
        const double y = a.y(*refs.limiter_records_per_s);
        svg.element("line", {{"x1", fmt(left)}, {"x2", fmt(right)}, {"y1", fmt(y)}, {"y2", fmt(y)}, {"stroke", limiter_colour},
                             {"stroke-width", "2"}, {"stroke-dasharray", "8 5"}});
    }
    if (refs.ideal_records_per_s(1) && a.wmax > 0) {
        std::string points;
        for (int i = 0; i <= 60; ++i) {
            const double w = a.log_x ? a.wmin * std::pow(a.wmax / a.wmin, i / 60.0) : a.wmin + (a.wmax - a.wmin) * i / 60.0;
            points += fmt(a.x(w)) + "," + fmt(a.y(*refs.ideal_records_per_s(1) * w)) + " ";
        }
        svg.element("polyline", {{"points", points}, {"fill", "none"}, {"stroke", ideal_colour}, {"stroke-width", "1.5"}, {"stroke-dasharray", "2 4"}});
    }
    svg.close("g");

    // One line per batch size, a dot per trial (hover: the numbers).
    std::size_t series = 0;
    for (auto& [batch, points] : by_batch) {
        std::ranges::sort(points, {}, &trial_result::workers);
        const char* colour = palette[series++ % palette.size()];
        std::string line;
        for (const auto* t : points) line += fmt(a.x(static_cast<double>(t->workers))) + "," + fmt(a.y(t->records_per_second)) + " ";
        svg.element("polyline", {{"points", line}, {"fill", "none"}, {"stroke", colour}, {"stroke-width", "2.5"}});
        for (const auto* t : points) {
            svg.open("circle", {{"cx", fmt(a.x(static_cast<double>(t->workers)))}, {"cy", fmt(a.y(t->records_per_second))}, {"r", "4"}, {"fill", colour}});
            svg.text_element("title", {}, "workers " + std::to_string(t->workers) + ", batch " + std::to_string(t->batch_size) + ": " +
                                              fmt(t->records_per_second) + " records/s, p95 " + fmt(t->p95_ms) + " ms");
            svg.close("circle");
        }
    }
    for (const auto& t : trials)
        if (t.workers == chosen.workers && t.batch_size == chosen.batch_size) {
            const double x = a.x(static_cast<double>(t.workers)), y = a.y(t.records_per_second);
            svg.element("circle", {{"cx", fmt(x)}, {"cy", fmt(y)}, {"r", "9"}, {"fill", "none"}, {"stroke", "#000"}, {"stroke-width", "2"}});
            svg.text_element("text", {{"x", fmt(x + 12)}, {"y", fmt(y - 10)}, {"font-size", "12"}, {"font-weight", "bold"}}, "recommended");
        }

    // Legend.
    double ly = top + 6;
    auto legend = [&](const char* colour, const char* dash, double stroke, const std::string& label) {
        svg.element("line", {{"x1", fmt(right + 18)}, {"x2", fmt(right + 48)}, {"y1", fmt(ly)}, {"y2", fmt(ly)}, {"stroke", colour},
                             {"stroke-width", fmt(stroke)}, {"stroke-dasharray", dash}});
        svg.text_element("text", {{"x", fmt(right + 56)}, {"y", fmt(ly + 4)}, {"font-size", "12"}}, label);
        ly += 22;
    };
    series = 0;
    for (const auto& [batch, points] : by_batch) legend(palette[series++ % palette.size()], "none", 2.5, "batch " + std::to_string(batch));
    if (refs.limiter_records_per_s)
        legend(limiter_colour, "8 5", 2, "limiter ceiling (" + fmt(*refs.limiter_records_per_s) + "/s)");
    if (refs.unloaded_latency_ms) legend(ideal_colour, "2 4", 1.5, "ideal: W / (" + fmt(*refs.unloaded_latency_ms) + " ms × " + fmt(refs.requests_per_record) + " req)");
    return svg.finish();
}

} // namespace harvest::tune
