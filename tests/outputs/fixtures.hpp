#pragma once
// Synthetic scenarios and runs for the outputs tests, built directly as
// structs (no TOML loader involved).

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim::test {

// A fresh directory under the system temp dir, removed on destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("innosim-outputs-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// Two regions (one with a Chinese name only), two indicators, three
// parameters, two targets (one binding, one at_most).
inline Scenario small_scenario() {
  Scenario s;
  s.name = "synthetic-测试";
  s.model = "analytic";
  s.files = {{"synthetic.toml", "name = \"synthetic\"\n# 中文注释\n"},
             {"base.toml", "[horizon]\nstart = 2015\n"}};
  s.horizon.start = 2015;
  s.horizon.end = 2020;
  s.horizon.report_years = {2015, 2016, 2017, 2018, 2019, 2020};
  s.regions = {{"yinchuan", "Yinchuan", "银川"}, {"shizuishan", "", "石嘴山"}};
  s.indicators = {{"rd_intensity", "R&D intensity", "研发投入强度", "%"},
                  {"patents_per_10k", "Invention patents per 10k people", "每万人发明专利",
                   "per 10k people"}};
  for (int p = 0; p < 3; ++p) {
    Parameter par;
    par.id = "param_" + std::to_string(p);
    par.unit = p == 0 ? "rate" : "share";
    par.source = "assumption: test";
    par.dist.kind = Distribution::Kind::uniform;
    par.dist.p = {0.0, 1.0 + p, 0, 0};
    s.parameters.push_back(par);
  }
  Target t0;
  t0.indicator = "rd_intensity";
  t0.region = "zone";
  t0.year = 2020;
  t0.value = 2.0;
  t0.binding = true;
  t0.sense = Sense::at_least;
  t0.note = "plan §3, \"key\" target";
  Target t1;
  t1.indicator = "patents_per_10k";
  t1.region = "shizuishan";
  t1.year = 2018;
  t1.value = 3.5;
  t1.binding = false;
  t1.sense = Sense::at_most;
  t1.note = "expected";
  s.targets = {t0, t1};
  s.run.on_track = 0.8;
  s.run.at_risk = 0.5;
  return s;
}

inline ResultShape small_shape() {
  ResultShape sh;
  sh.indicators = {"rd_intensity", "patents_per_10k"};
  sh.units = {"%", "per 10k people"};
  sh.regions = {"yinchuan", "shizuishan", "zone"};
  sh.years = {2015, 2016, 2017, 2018, 2019, 2020};
  return sh;
}

// A deterministic synthetic run: every per-draw array in the runner's
// draw-major layout.
struct SyntheticRun {
  std::size_t n = 0, P = 3, T = 2, S = 5, K = 2;
  ResultShape shape = small_shape();
  std::vector<double> theta, targets, traj, uniforms;
  std::vector<std::uint8_t> valid;

  explicit SyntheticRun(std::size_t draws) : n(draws) {
    std::mt19937_64 rng(12345);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::size_t G = shape.size();
    theta.resize(n * P);
    targets.resize(n * T);
    traj.resize(n * G);
    uniforms.resize(n * S * K);
    valid.resize(n);
    for (std::size_t d = 0; d < n; ++d) {
      for (std::size_t p = 0; p < P; ++p) theta[d * P + p] = u(rng) * static_cast<double>(p + 1);
      for (std::size_t g = 0; g < G; ++g) traj[d * G + g] = static_cast<double>(g) + u(rng);
      for (std::size_t k = 0; k < S * K; ++k) uniforms[d * S * K + k] = u(rng);
      valid[d] = (d % 97 == 13) ? 0 : 1;
      // target 0: rd_intensity zone 2020; target 1: patents shizuishan 2018
      const std::size_t y2020 = 5, y2018 = 3;
      // (each trajectory entry is its flat index plus a uniform)
      const std::size_t g0 = shape.index(0, 2, y2020), g1 = shape.index(1, 1, y2018);
      targets[d * T + 0] = traj[d * G + g0] - static_cast<double>(g0) + 1.4;  // ~U(1.4, 2.4)
      targets[d * T + 1] = traj[d * G + g1] - static_cast<double>(g1) + 3.0;  // ~U(3, 4)
      if (!valid[d]) {
        targets[d * T + 0] = targets[d * T + 1] = std::numeric_limits<double>::quiet_NaN();
      }
    }
  }
};

inline Summary synthetic_summary(const ResultShape& shape) {
  Summary s;
  s.quantile_levels = {0.05, 0.25, 0.5, 0.75, 0.95};
  const std::size_t G = shape.size(), Q = s.quantile_levels.size();
  for (std::size_t g = 0; g < G; ++g) {
    s.mean.push_back(static_cast<double>(g) + 0.5);
    s.sd.push_back(0.29);
    s.min.push_back(static_cast<double>(g));
    s.max.push_back(static_cast<double>(g) + 1.0);
    for (std::size_t q = 0; q < Q; ++q) s.quantiles.push_back(static_cast<double>(g) + s.quantile_levels[q]);
  }
  s.quantile_relative_accuracy = 0.001;
  return s;
}

}  // namespace innosim::test
