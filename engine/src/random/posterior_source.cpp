// Draws from a calibration's posterior (posterior_source.hpp).

#include "innosim/random/posterior_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "innosim/random/streams.hpp"
#include "innosim/util/did_you_mean.hpp"

namespace innosim {

namespace {

// Whether the scenario's [posterior] exclude list names calibrated parameter `id`.
bool excluded(const Scenario& s, const std::string& id) {
  if (!s.posterior) return false;
  for (const std::string& name : s.posterior->exclude)
    if (id == name || (id.size() > name.size() && id.compare(0, name.size(), name) == 0 && id[name.size()] == '['))
      return true;
  return false;
}

}  // namespace

std::vector<Problem> posterior_problems(const Scenario& s, const PosteriorParticles& post) {
  std::vector<Problem> out;
  const SourceLoc where = s.posterior ? s.posterior->where : s.where;
  const std::string file = s.posterior ? s.posterior->given : std::string("the posterior file");
  auto add = [&](std::string message) { out.push_back(Problem{where, "posterior.file", std::move(message)}); };
  if (post.model != s.model)
    add(fmt::format("{} is a posterior of model '{}' (scenario '{}'), but this scenario runs model '{}'", file,
                    post.model, post.scenario_name, s.model));
  if (post.particles == 0 || post.theta.size() != post.particles * post.ids.size())
    add(fmt::format("{} holds no particles", file));
  if (s.posterior) {
    // Every excluded name must name a calibrated parameter (a typo would
    // silently take the parameter from the posterior).
    std::vector<std::string> names;
    for (const std::string& id : post.ids) {
      names.push_back(id);
      const auto bracket = id.find('[');
      if (bracket != std::string::npos && std::find(names.begin(), names.end(), id.substr(0, bracket)) == names.end())
        names.push_back(id.substr(0, bracket));
    }
    for (std::size_t i = 0; i < s.posterior->exclude.size(); ++i) {
      const std::string& name = s.posterior->exclude[i];
      if (std::find(names.begin(), names.end(), name) == names.end())
        out.push_back(Problem{s.posterior->exclude_where[i], fmt::format("posterior.exclude[{}]", i),
                              fmt::format("{} does not calibrate parameter '{}'{}", file, name,
                                          did_you_mean_hint(name, names))});
    }
  }
  for (std::size_t k = 0; k < post.ids.size(); ++k) {
    const std::string& id = post.ids[k];
    if (excluded(s, id)) continue;
    const auto j = s.parameter_index(id);
    if (!j) {
      std::vector<std::string> ids;
      for (const Parameter& p : s.parameters) ids.push_back(p.id);
      add(fmt::format("{} calibrates parameter '{}', which this scenario does not have{}", file, id,
                      did_you_mean_hint(id, ids)));
      continue;
    }
    const Parameter& p = s.parameters[*j];
    if (p.unit != post.units[k])
      add(fmt::format("{}: parameter '{}' has unit '{}' in the posterior but '{}' in this scenario", file, id,
                      post.units[k], p.unit));
    if (p.dist.is_fixed())
      add(fmt::format("{} calibrates parameter '{}', which this scenario fixes ({}): remove the fixed value or "
                      "the [posterior] section",
                      file, id, p.where.to_string()));
  }
  return out;
}

PosteriorSource::PosteriorSource(const Scenario& scenario, const Sampler& prior, PosteriorParticles posterior,
                                 std::uint64_t seed)
    : prior_(prior), post_(std::move(posterior)), seed_(seed) {
  std::vector<Problem> problems = posterior_problems(scenario, post_);
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  for (std::size_t k = 0; k < post_.ids.size(); ++k) {
    if (excluded(scenario, post_.ids[k])) continue;
    slots_.push_back(*scenario.parameter_index(post_.ids[k]));
    columns_.push_back(k);
  }
}

std::size_t PosteriorSource::particle(std::uint64_t draw) const {
  const double u = uniform01(seed_, draw, Stream::posterior, 0, 0);
  return std::min(static_cast<std::size_t>(std::floor(u * static_cast<double>(post_.particles))), post_.particles - 1);
}

void PosteriorSource::draw(std::uint64_t first, std::size_t count, std::span<double> theta) const {
  prior_.draw(first, count, theta);
  const std::size_t np = prior_.num_parameters(), P = post_.ids.size();
  for (std::size_t i = 0; i < count; ++i) {
    const double* row = post_.theta.data() + particle(first + i) * P;
    for (std::size_t k = 0; k < slots_.size(); ++k) theta[i * np + slots_[k]] = row[columns_[k]];
  }
}

}  // namespace innosim
