#include "levers.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "innosim/util/did_you_mean.hpp"

namespace innosim::app {

double lever_zone_total(const Lever& l, int year, const std::vector<Region>& regions) {
  if (!l.per_region()) return l.at(year);
  double sum = 0;
  for (std::size_t r = 0; r < regions.size(); ++r)
    if (regions[r].in_zone) sum += l.at(year, r);
  return sum;
}

void scale_lever(Scenario& s, const std::string& id, double k) {
  for (Lever& l : s.levers) {
    if (l.id != id) continue;
    if (l.zone)
      for (double& x : l.zone->values) x *= k;
    for (YearSeries& ys : l.by_region)
      for (double& x : ys.values) x *= k;
  }
}

std::string lever_problem(const Scenario& s, const std::string& scenario_path, const std::string& id) {
  const Lever* lever = s.lever(id);
  if (lever == nullptr) {
    std::vector<std::string> ids;
    for (const auto& l : s.levers) ids.push_back(l.id);
    std::string msg = fmt::format("innosim: {}: no lever '{}'", scenario_path, id);
    if (auto m = did_you_mean(id, ids); !m.empty()) msg += " — did you mean '" + m + "'?";
    msg += ids.empty() ? " (the scenario has no levers)" : fmt::format(" (levers: {})", fmt::join(ids, ", "));
    return msg;
  }
  if (lever->unit == "share" || lever->unit == "probability" || lever->unit == "switch")
    return fmt::format(
        "innosim: lever '{}' has unit '{}'; scaling a {} is meaningless, so it cannot be moved "
        "(use a lever in yuan, count or rate, or write what-if scenarios and use `innosim compare`)",
        lever->id, lever->unit, lever->unit);
  return {};
}

namespace {

// "2亿" -> (2e8, true); "0.5" -> (0.5, false); nullopt if not a number with a known suffix.
std::optional<std::pair<double, bool>> parse_bound(const std::string& text) {
  static const std::pair<const char*, double> kSuffixes[] = {
      {"亿元", 1e8}, {"亿", 1e8}, {"yi", 1e8}, {"yuan", 1.0}};
  std::string number = text;
  double unit = 0;  // 0: a factor
  for (const auto& [suffix, mult] : kSuffixes) {
    const std::string sfx = suffix;
    if (number.size() > sfx.size() && number.compare(number.size() - sfx.size(), sfx.size(), sfx) == 0) {
      number.resize(number.size() - sfx.size());
      unit = mult;
      break;
    }
  }
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(v)) return std::nullopt;
  return std::pair{unit > 0 ? v * unit : v, unit > 0};
}

}  // namespace

std::optional<LeverAxis> make_axis(const Scenario& s, const std::string& scenario_path, const std::string& id,
                                   const std::string& range, std::string& why) {
  if (why = lever_problem(s, scenario_path, id); !why.empty()) return std::nullopt;
  LeverAxis axis;
  axis.id = id;
  axis.lever = s.lever(id);
  axis.base = lever_zone_total(*axis.lever, s.horizon.end, s.regions);
  const auto colon = range.find(':');
  const std::string lo_text = range.substr(0, colon), hi_text = colon == std::string::npos ? "" : range.substr(colon + 1);
  const auto lo = parse_bound(lo_text), hi = colon == std::string::npos ? std::nullopt : parse_bound(hi_text);
  if (!lo || !hi) {
    why = fmt::format(
        "innosim: lever '{}': range '{}' is not lo:hi (factors such as 0.5:4, or for a yuan lever amounts "
        "such as 1亿:8亿, 1yi:8yi or 1e8yuan:8e8yuan)",
        id, range);
    return std::nullopt;
  }
  if (lo->second != hi->second) {
    why = fmt::format("innosim: lever '{}': range '{}' mixes a factor and an amount; give both the same way", id,
                      range);
    return std::nullopt;
  }
  axis.amounts = lo->second;
  double a = lo->first, b = hi->first;
  if (axis.amounts) {
    if (axis.lever->unit != "yuan") {
      why = fmt::format("innosim: lever '{}' is in '{}', not yuan; give its range as factors (e.g. 0.5:4)", id,
                        axis.lever->unit);
      return std::nullopt;
    }
    if (!(axis.base > 0)) {
      why = fmt::format(
          "innosim: lever '{}' is 0 in {} (its zone total), so an amount cannot be reached by scaling its path; "
          "give a what-if scenario a non-zero path first",
          id, s.horizon.end);
      return std::nullopt;
    }
    a /= axis.base;
    b /= axis.base;
  }
  if (a < 0 || b < 0) {
    why = fmt::format("innosim: lever '{}': range '{}' has a negative bound; levers are scaled by factors >= 0", id,
                      range);
    return std::nullopt;
  }
  if (!(a < b)) {
    why = fmt::format("innosim: lever '{}': range '{}' needs lo < hi", id, range);
    return std::nullopt;
  }
  axis.lo = a;
  axis.hi = b;
  return axis;
}

std::string amount_text(const LeverAxis& axis, double k) {
  const double x = k * axis.base;
  if (axis.lever->unit == "yuan") return fmt::format("{:.3f} 亿元 ({:.0f} yuan)", x / 1e8, x);
  return fmt::format("{:.4g} {}", x, axis.lever->unit);
}

std::pair<std::string, std::string> split_lever_spec(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos) return {spec, ""};
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

}  // namespace innosim::app
