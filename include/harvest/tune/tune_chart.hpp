#pragma once
// `harvest tune --plot`: records/s against workers, one line per batch size, with the limiter
// ceiling and the latency-bound ideal (workers / latency) as reference lines. SVG 1.1.
#include <harvest/tune/recommendation.hpp>
#include <harvest/tune/trial.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace harvest::tune {

std::string tune_chart_svg(const std::vector<trial_result>& trials, const tune_references& refs, const recommendation& chosen,
                           std::string_view title);

} // namespace harvest::tune
