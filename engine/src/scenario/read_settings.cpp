// [scenario], [horizon], [run], [verdict] and [posterior]: what the scenario is, its years, how it runs, how
// verdicts are given and which calibration its parameters come from.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "innosim/scenario/limits.hpp"
#include "scenario/detail/scenario_reader.hpp"

namespace innosim::detail {

void ScenarioReader::read_scenario(const Node& root) {
  const Node* t = table_at(root, "scenario", "scenario");
  if (!t) {
    if (!root.get("scenario")) missing(root, "scenario", "a [scenario] table with name and model");
    return;
  }
  check_keys(*t, "scenario",
             {"name", "name_en", "name_zh", "description", "description_zh", "model", "extends"});
  if (auto v = string_at(*t, "name", "scenario.name", "a string (the scenario's short id)", true)) {
    if (v->empty())
      add(t->get("name")->loc, "scenario.name",
          "expected a non-empty string (the scenario's short id), got \"\"");
    s_.name = *v;
  }
  if (auto v = string_at(*t, "name_en", "scenario.name_en", "a string (the display name in English)", false))
    s_.name_en = *v;
  if (auto v = string_at(*t, "name_zh", "scenario.name_zh", "a string (the display name in Chinese)", false))
    s_.name_zh = *v;
  if (auto v = string_at(*t, "description", "scenario.description", "a string", false)) s_.description = *v;
  if (auto v = string_at(*t, "description_zh", "scenario.description_zh", "a string", false))
    s_.description_zh = *v;
  if (auto v =
          string_at(*t, "model", "scenario.model", "a model id (a string, e.g. \"four_plus_one\")", true)) {
    if (v->empty())
      add(t->get("model")->loc, "scenario.model", "expected a model id (a non-empty string), got \"\"");
    s_.model = *v;
  }
}

void ScenarioReader::read_horizon(const Node& root) {
  const Node* t = table_at(root, "horizon", "horizon");
  if (!t) {
    if (!root.get("horizon")) missing(root, "horizon", "a [horizon] table with start and end years");
    return;
  }
  check_keys(*t, "horizon", {"start", "end", "report_years"});
  std::optional<int> start, end;
  if (const Node* n = t->get("start"))
    start = year_value(*n, "horizon.start", "an integer year");
  else
    missing(*t, "horizon.start", "an integer year (the year of the initial state)");
  if (const Node* n = t->get("end"))
    end = year_value(*n, "horizon.end", "an integer year");
  else
    missing(*t, "horizon.end", "an integer year (the last simulated year)");
  if (start && end && *end <= *start) {
    add(t->get("end")->loc, "horizon.end",
        fmt::format("expected a year after horizon.start ({}), got {}", *start, *end));
    end.reset();
  } else if (start && end && *end - *start > limits::kHorizonYears) {
    add(t->get("end")->loc, "horizon.end",
        fmt::format("expected at most {} simulated years after horizon.start ({}), got {} (the limit keeps a "
                    "run's memory bounded)",
                    limits::kHorizonYears, *start, *end - *start));
    end.reset();
  }
  if (!start || !end) return;
  s_.horizon.start = *start;
  s_.horizon.end = *end;
  horizon_ok_ = true;

  s_.horizon.report_years.clear();
  const Node* ry = t->get("report_years");
  if (!ry) {
    for (int y = *start; y <= *end; ++y) s_.horizon.report_years.push_back(y);
    return;
  }
  if (ry->t != Node::T::array || ry->items.empty()) {
    add(ry->loc, "horizon.report_years",
        fmt::format("expected a non-empty array of years, got {}", got(*ry)));
    return;
  }
  const std::string expect = fmt::format("a year in [{}, {}] (the horizon)", *start, *end);
  std::optional<int> prev;
  for (std::size_t k = 0; k < ry->items.size(); ++k) {
    const std::string path = fmt::format("horizon.report_years[{}]", k);
    auto y = year_value(ry->items[k], path, expect);
    if (!y) continue;
    if (*y < *start || *y > *end) {
      add(ry->items[k].loc, path, fmt::format("expected {}, got {}", expect, *y));
      continue;
    }
    if (prev && *y <= *prev) {
      add(ry->items[k].loc, path,
          fmt::format("expected years in strictly increasing order, got {} after {}", *y, *prev));
      continue;
    }
    prev = y;
    s_.horizon.report_years.push_back(*y);
  }
}

void ScenarioReader::read_run(const Node& root) {
  const Node* t = table_at(root, "run", "run");
  if (!t) return;
  check_keys(*t, "run", {"draws", "seed", "sampler", "invalid_draws", "rtol", "atol"});
  if (const Node* n = t->get("draws")) {
    if (auto v = int_value(*n, "run.draws", "an integer number of draws >= 1")) {
      if (*v < 1)
        add(n->loc, "run.draws", fmt::format("expected an integer number of draws >= 1, got {}", *v));
      else
        s_.run.draws = static_cast<std::size_t>(*v);
    }
  }
  if (const Node* n = t->get("seed")) {
    if (auto v = int_value(*n, "run.seed", "an integer seed >= 0")) {
      if (*v < 0)
        add(n->loc, "run.seed", fmt::format("expected an integer seed >= 0, got {}", *v));
      else
        s_.run.seed = static_cast<std::uint64_t>(*v);
    }
  }
  if (auto v = choice_at(*t, "sampler", "run.sampler", {"monte_carlo", "latin_hypercube", "sobol"}, false))
    s_.run.sampler = *v == "monte_carlo"       ? SamplerKind::monte_carlo
                     : *v == "latin_hypercube" ? SamplerKind::latin_hypercube
                                               : SamplerKind::sobol;
  if (auto v = choice_at(*t, "invalid_draws", "run.invalid_draws", {"fail", "drop"}, false))
    s_.run.invalid_draws = *v == "fail" ? InvalidDraws::fail : InvalidDraws::drop;
  const auto positive = [](double x) { return x > 0; };
  if (auto v = number_at(*t, "rtol", "run.rtol", "a positive tolerance", false, positive)) s_.run.rtol = *v;
  if (auto v = number_at(*t, "atol", "run.atol", "a positive tolerance", false, positive)) s_.run.atol = *v;
}

void ScenarioReader::read_verdict(const Node& root) {
  const Node* t = table_at(root, "verdict", "verdict");
  if (!t) return;
  check_keys(*t, "verdict", {"on_track", "at_risk"});
  const auto unit01 = [](double x) { return x >= 0 && x <= 1; };
  auto on = number_at(*t, "on_track", "verdict.on_track", "a probability in [0, 1]", false, unit01);
  auto risk = number_at(*t, "at_risk", "verdict.at_risk", "a probability in [0, 1]", false, unit01);
  if (on) s_.run.on_track = *on;
  if (risk) s_.run.at_risk = *risk;
  if ((on || !t->get("on_track")) && (risk || !t->get("at_risk")) && s_.run.at_risk > s_.run.on_track) {
    const Node* at = t->get("at_risk") ? t->get("at_risk") : t->get("on_track");
    add(at->loc, "verdict.at_risk",
        fmt::format("expected at_risk <= on_track ({}), got {}", fmt_num(s_.run.on_track),
                    fmt_num(s_.run.at_risk)));
  }
}

// The file is only named here; whether it exists and suits the scenario is
// checked where it is read (random/posterior_source.hpp's users: run, sweep,
// validate), with problems at this key's file:line:col.
void ScenarioReader::read_posterior(const Node& root) {
  const Node* t = table_at(root, "posterior", "posterior");
  if (!t) return;
  check_keys(*t, "posterior", {"file", "exclude"});
  auto v = string_at(*t, "file", "posterior.file", "the path of a posterior file (innosim calibrate -o)", true);
  if (!v) return;
  const Node* n = t->get("file");
  if (v->empty()) {
    add(n->loc, "posterior.file", "expected the path of a posterior file (innosim calibrate -o), got \"\"");
    return;
  }
  PosteriorUse use;
  if (const Node* ex = t->get("exclude")) {
    if (ex->t != Node::T::array) {
      add(ex->loc, "posterior.exclude", fmt::format("expected an array of parameter ids, got {}", got(*ex)));
    } else {
      for (std::size_t i = 0; i < ex->items.size(); ++i) {
        const Node& e = ex->items[i];
        if (e.t != Node::T::string || e.s.empty()) {
          add(e.loc, fmt::format("posterior.exclude[{}]", i), fmt::format("expected a parameter id, got {}", got(e)));
          continue;
        }
        use.exclude.push_back(e.s);
        use.exclude_where.push_back(e.loc);
      }
    }
  }
  use.given = *v;
  use.where = n->loc;
  const std::filesystem::path given(*v);
  use.path = given.is_absolute() ? given.string()
                                 : (std::filesystem::path(n->loc.file).parent_path() / given).lexically_normal().string();
  s_.posterior = std::move(use);
}

}  // namespace innosim::detail
