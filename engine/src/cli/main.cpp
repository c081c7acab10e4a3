// innosim — forecasts S&T indicators under uncertainty from scenario files.
//
//   innosim run scenarios/plan-2016-2020.toml                 target table + plan-2016-2020.h5
//   innosim run scenarios/plan-2016-2020.toml -n 100000 --threads 2 -o out/plan.h5
//   innosim run scenarios/whatif-double-fiscal-rd.toml --format csv --quiet
//   innosim validate scenarios/plan-2016-2020.toml --resolved
//   innosim check plan-2016-2020.h5 --format json
//   innosim compare plan-2016-2020.h5 baseline.h5
//   innosim report plan-2016-2020.h5 -o report/ --lang zh
//   innosim sweep scenarios/plan-2016-2020.toml --lever fiscal_rd_zone --scale 0.5,1,2,4 -n 2000
//
// Exit codes: 0 success; 1 the run failed (invalid draw, I/O); 2 bad input;
// 130 interrupted (Ctrl-C; no output file is left behind).

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "innosim/model/binding.hpp"
#include "innosim/models/exp_growth.hpp"
#include "innosim/models/four_plus_one.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/outputs/sweep_writer.hpp"
#include "innosim/outputs/table.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/run/runner.hpp"
#include "innosim/scenario/scenario.hpp"
#include "innosim/version.hpp"
#include "progress.hpp"

#ifndef INNOSIM_TOOLS_DIR
#define INNOSIM_TOOLS_DIR "tools"
#endif

namespace {

using namespace innosim;

constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

std::atomic<bool> g_cancel{false};
extern "C" void on_sigint(int) {
  if (g_cancel.exchange(true)) std::_Exit(kExitInterrupted);  // second Ctrl-C: leave now
}

const std::vector<std::string> kModels = {"four_plus_one", "exp_growth"};

// Calls f with the model the scenario names.
template <class F>
int with_model(const Scenario& s, F&& f) {
  if (s.model == "four_plus_one") return f(FourPlusOne(s));
  if (s.model == "exp_growth") return f(ExpGrowth(s));
  std::string msg = "unknown model '" + s.model + "'";
  if (auto m = did_you_mean(s.model, kModels); !m.empty()) msg += " — did you mean '" + m + "'?";
  msg += " (known: four_plus_one, exp_growth)";
  throw ScenarioError({Problem{s.where, "scenario.model", msg}});
}

void print_problems(const ScenarioError& e) {
  // In reading order: files in the order they first appear, then line, column.
  std::vector<Problem> ps = e.problems();
  std::vector<std::string> files;
  for (const Problem& p : ps)
    if (std::find(files.begin(), files.end(), p.where.file) == files.end()) files.push_back(p.where.file);
  auto rank = [&](const Problem& p) {
    return std::tuple(std::find(files.begin(), files.end(), p.where.file) - files.begin(), p.where.line,
                      p.where.column);
  };
  std::stable_sort(ps.begin(), ps.end(), [&](const Problem& a, const Problem& b) { return rank(a) < rank(b); });
  for (const Problem& p : ps) std::cerr << p.to_string() << "\n";
  std::cerr << fmt::format("innosim: {} problem{} found; nothing was computed\n", e.problems().size(),
                           e.problems().size() == 1 ? "" : "s");
}

TableFormat parse_format(const std::string& f) {
  if (f == "csv") return TableFormat::csv;
  if (f == "json") return TableFormat::json;
  return TableFormat::text;
}

SamplerKind parse_sampler(const std::string& s) {
  if (s == "monte_carlo") return SamplerKind::monte_carlo;
  if (s == "latin_hypercube") return SamplerKind::latin_hypercube;
  return SamplerKind::sobol;
}

const char* sampler_name(SamplerKind k) {
  switch (k) {
    case SamplerKind::monte_carlo: return "monte_carlo";
    case SamplerKind::latin_hypercube: return "latin_hypercube";
    case SamplerKind::sobol: return "sobol";
  }
  return "?";
}

// Adapts the HDF5 writer to the runner's sink interface.
class Hdf5Sink : public DrawSink {
 public:
  explicit Hdf5Sink(RunWriter& w) : w_(w) {}
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                   std::span<const double> targets, std::span<const double> traj,
                   std::span<const double> unif, std::span<const std::uint8_t> valid) override {
    w_.write_draws(first, count, theta, targets, traj, unif, valid);
  }
  std::vector<double> target_values(std::size_t t) const override { return w_.target_values(t); }

 private:
  RunWriter& w_;
};

struct RunArgs {
  std::string scenario;
  std::optional<std::size_t> draws;
  std::optional<std::uint64_t> seed;
  std::string output;
  unsigned threads = 0;
  std::size_t block_tiles = 0;
  std::string sampler;
  std::string format = "text";
  bool quiet = false;
  bool trajectories = false;
  bool save_uniforms = false;
  bool regions = false;
  std::optional<std::uint64_t> replay;
};

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::string fmt_value(double v) {
  if (std::abs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

// Per-region view: every indicator at the last report year, median and band.
std::string region_table(const Scenario& s, const RunOutcome& r) {
  const ResultShape& sh = r.shape;
  const std::size_t y = sh.num_years() - 1, Q = r.summary.quantile_levels.size();
  std::string out = fmt::format("\nBy region, {} (median [5–95 %]):\n", sh.years[y]);
  for (std::size_t i = 0; i < sh.num_indicators(); ++i) {
    const IndicatorNames* n = s.indicator(sh.indicators[i]);
    out += fmt::format("  {} ({})\n", n && !n->name_en.empty() ? n->name_en : sh.indicators[i], sh.units[i]);
    for (std::size_t reg = 0; reg < sh.num_regions(); ++reg) {
      const std::size_t k = sh.index(i, reg, y);
      const double* q = r.summary.quantiles.data() + k * Q;
      std::string name = reg + 1 == sh.num_regions() ? "zone" : s.regions[reg].name_en;
      out += fmt::format("    {:<34} {:>10} [{} – {}]\n", name, fmt_value(q[2]), fmt_value(q[0]), fmt_value(q[4]));
    }
  }
  return out;
}

template <Model M>
int replay_draw(const M& model, const Scenario& s, const Sampler& sampler, std::uint64_t seed,
                std::uint64_t draw, const IntegratorSettings& integ) {
  std::vector<double> theta(sampler.num_parameters());
  sampler.draw(draw, 1, theta);
  DrawSimulator<M> sim(model, integ, s.horizon.start, s.horizon.end);
  std::vector<double> u(sim.uniforms_size()), out(sim.output_size());
  const std::size_t K = model.randoms_per_year();
  for (std::size_t y = 0; y < sim.years(); ++y)
    fill_uniform01(seed, draw, Stream::yearly, static_cast<std::uint32_t>(y), std::span<double>(u.data() + y * K, K));
  const DrawStatus st = sim.run(theta, u, out);
  std::cout << fmt::format("draw {} (seed {}): {} ({} integrator steps)\n\nparameters:\n", draw, seed,
                           describe(st), sim.steps_last_draw());
  for (std::size_t p = 0; p < theta.size(); ++p)
    std::cout << fmt::format("  {:<48} {:.6g}\n", s.parameters[p].id, theta[p]);
  const auto& ind = model.indicators();
  const std::size_t R1 = model.num_regions() + 1;
  std::cout << "\nzone indicators by year:\n" << fmt::format("  {:<30}", "indicator");
  for (int y = s.horizon.start; y <= s.horizon.end; ++y) std::cout << fmt::format("{:>12}", y);
  std::cout << "\n";
  for (std::size_t i = 0; i < ind.size(); ++i) {
    std::cout << fmt::format("  {:<30}", ind[i].id);
    for (std::size_t y = 0; y <= sim.years(); ++y)
      std::cout << fmt::format("{:>12.5g}", out[y * ind.size() * R1 + i * R1 + R1 - 1]);
    std::cout << "\n";
  }
  return st == DrawStatus::ok ? 0 : kExitFailed;
}

int cmd_run(const RunArgs& a) {
  Scenario s = load_scenario(a.scenario);
  if (!a.sampler.empty()) s.run.sampler = parse_sampler(a.sampler);
  const std::size_t draws = a.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.seed.value_or(s.run.seed);
  return with_model(s, [&](const auto& model) -> int {
    Sampler sampler(s, seed, draws);
    (void)target_offsets(s, model.indicators());  // all input problems before any computation
    IntegratorSettings integ;
    integ.rtol = s.run.rtol;
    integ.atol = s.run.atol;
    if (a.replay) return replay_draw(model, s, sampler, seed, *a.replay, integ);

    std::string out = a.output;
    if (out.empty()) out = std::filesystem::path(a.scenario).stem().string() + ".h5";
    // `-o out/plan.h5` creates out/ (batches write into fresh folders).
    if (const auto dir = std::filesystem::path(out).parent_path(); !dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);  // failure surfaces as the writer's error
    }
    RunHeader header{kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws,
                     model.randoms_per_year(), s.model};
    RunWriter writer(out, s, make_shape(s, model.indicators()), header,
                     WriterConfig{a.trajectories, a.save_uniforms, 4});
    Hdf5Sink sink(writer);

    RunOptions opt;
    opt.draws = draws;
    opt.seed = seed;
    opt.threads = a.threads;
    opt.block_tiles = a.block_tiles;
    opt.trajectories = a.trajectories;
    opt.uniforms = a.save_uniforms;
    opt.invalid = s.run.invalid_draws;
    opt.integrator = integ;
    opt.cancel = &g_cancel;
    Progress progress(!a.quiet && isatty(STDERR_FILENO));
    if (progress.enabled()) opt.progress = [&](std::size_t d, std::size_t n) { progress.update(d, n); };

    RunOutcome r = run_monte_carlo(model, s, sampler, opt, sink);
    progress.finish();
    if (r.cancelled) {
      std::cerr << "innosim: interrupted; no output written\n";
      return kExitInterrupted;
    }
    if (r.failed()) {
      std::cerr << fmt::format("innosim: the run failed: {} invalid draw{} (run.invalid_draws = \"fail\")\n",
                               r.failures.size(), r.failures.size() == 1 ? "" : "s");
      for (std::size_t i = 0; i < r.failures.size() && i < 10; ++i)
        std::cerr << fmt::format("  draw {}: {}\n", r.failures[i].draw, describe(r.failures[i].status));
      std::cerr << fmt::format(
          "replay one with: innosim run {} --seed {} --replay {}\n"
          "or set [run] invalid_draws = \"drop\" to drop and count such draws; no output written\n",
          a.scenario, seed, r.failures.front().draw);
      return kExitFailed;
    }
    r.info.sampler = sampler_name(s.run.sampler);
    writer.finish(r.summary, r.table, r.info);

    TableContext ctx{s.name, s.regions, s.indicators, r.info,
                     a.format == "text" && isatty(STDOUT_FILENO)};
    std::cout << format_target_table(r.table, ctx, parse_format(a.format));
    if (a.regions && a.format == "text") std::cout << region_table(s, r);
    if (!a.quiet)
      std::cerr << fmt::format("innosim: {} draws in {:.2f} s ({:.0f} draws/s, {} threads, peak memory {:.0f} MiB) -> {}\n",
                               draws, r.info.seconds, static_cast<double>(draws) / std::max(r.info.seconds, 1e-9),
                               r.info.threads, peak_rss_mib(), out);
    return 0;
  });
}

int cmd_validate(const std::string& path, bool resolved) {
  Scenario s = load_scenario(path);
  return with_model(s, [&](const auto& model) -> int {
    Sampler sampler(s, s.run.seed, s.run.draws);
    (void)target_offsets(s, model.indicators());
    if (resolved)
      std::cout << s.resolved_text();
    else
      std::cout << fmt::format("{}: ok — scenario '{}', model {}, {} regions, {} levers, {} parameters ({} uncertain), {} targets\n",
                               path, s.name, s.model, s.regions.size(), s.levers.size(), s.parameters.size(),
                               sampler.dimensions(), s.targets.size());
    return 0;
  });
}

int cmd_check(const std::string& path, const std::string& format) {
  RunFile f = read_run_file(path, true);
  TableContext ctx{f.scenario_name, f.regions, f.indicators, f.info, format == "text" && isatty(STDOUT_FILENO)};
  std::cout << format_target_table(f.table, ctx, parse_format(format));
  return 0;
}

int cmd_compare(const std::vector<std::string>& paths) {
  std::vector<RunFile> runs;
  for (const auto& p : paths) runs.push_back(read_run_file(p, true));
  const RunFile& base = runs.front();
  // Pads to a display width (CJK and symbols such as ≥ count correctly).
  auto pad = [](const std::string& text, std::size_t width, bool right = false) {
    const std::size_t w = display_width(text);
    const std::string fill(w < width ? width - w : 0, ' ');
    return right ? fill + text : text + fill;
  };
  constexpr std::size_t kName = 52, kCol = 26;
  std::cout << pad("target", kName);
  for (const auto& r : runs) std::cout << " " << pad(r.scenario_name, kCol, true);
  std::cout << "\n";
  for (std::size_t t = 0; t < base.table.rows.size(); ++t) {
    const Target& tg = base.table.rows[t].target;
    std::string name = tg.indicator;
    for (const auto& n : base.indicators)
      if (n.id == tg.indicator && !n.name_en.empty()) name = n.name_en;
    if (tg.region != "zone") name += " (" + tg.region + ")";
    if (name.size() > 38) name = name.substr(0, 35) + "...";
    std::cout << pad(fmt::format("{}{} {} {}", tg.binding ? "* " : "", name,
                                 tg.sense == Sense::at_least ? ">=" : "<=", fmt_value(tg.value)),
                     kName);
    for (const auto& r : runs) {
      const TargetRow* row = nullptr;
      for (const auto& rr : r.table.rows)
        if (rr.target.indicator == tg.indicator && rr.target.region == tg.region && rr.target.year == tg.year &&
            rr.target.sense == tg.sense)
          row = &rr;
      const std::string cell =
          row ? fmt::format("P={:5.1f}%  median {}", 100.0 * row->p_met, fmt_value(row->median)) : "—";
      std::cout << " " << pad(cell, kCol, true);
    }
    std::cout << "\n";
  }
  std::cout << "* binding (约束性); P = P(met), the chance of meeting the target\n";
  return 0;
}

int cmd_report(const std::vector<std::string>& files, const std::string& out, const std::string& lang) {
  const char* env = std::getenv("INNOSIM_TOOLS_DIR");
  const std::string tools = env ? env : INNOSIM_TOOLS_DIR;
  std::vector<std::string> argv = {"/usr/bin/python3", tools + "/report.py"};
  argv.insert(argv.end(), files.begin(), files.end());
  argv.insert(argv.end(), {"-o", out, "--lang", lang});
  std::vector<char*> cargv;
  for (auto& s : argv) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  execv(cargv[0], cargv.data());
  std::cerr << "innosim: cannot start /usr/bin/python3 (install it with tools/setup.sh)\n";
  return kExitFailed;
}


// ---------- sweep: P(met) against one lever scaled by several factors ----------

struct SweepArgs {
  std::string scenario;
  std::string lever;
  std::string scale = "0.5,1,2,4";
  std::optional<std::size_t> draws;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::string output;
  std::string format = "text";
  bool quiet = false;
};

// "0.5,1,2,4" -> factors; nullopt (and a message) if any entry is not a finite number >= 0.
std::optional<std::vector<double>> parse_scales(const std::string& text, std::string& why) {
  std::vector<double> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v) || v < 0) {
      why = "--scale: '" + item + "' is not a finite number >= 0 (expected e.g. --scale 0.5,1,2,4)";
      return std::nullopt;
    }
    out.push_back(v);
    pos = comma + 1;
  }
  return out;
}

// Pads to a display width (CJK and symbols such as ≥ count correctly).
std::string pad(const std::string& text, std::size_t width, bool right = false) {
  const std::size_t w = display_width(text);
  const std::string fill(w < width ? width - w : 0, ' ');
  return right ? fill + text : text + fill;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      o += fmt::format("\\u{:04x}", static_cast<int>(static_cast<unsigned char>(c)));
    } else {
      o += c;
    }
  }
  return o;
}

std::string target_name(const Scenario& s, const Target& tg) {
  std::string name = tg.indicator;
  if (const IndicatorNames* n = s.indicator(tg.indicator); n && !n->name_en.empty()) name = n->name_en;
  if (tg.region != "zone") name += " (" + tg.region + ")";
  return name;
}

// The lever's zone total in `year`: its zone path, or the sum over regions.
double lever_zone_total(const Lever& l, int year, std::size_t regions) {
  if (!l.per_region()) return l.at(year);
  double sum = 0;
  for (std::size_t r = 0; r < regions; ++r) sum += l.at(year, r);
  return sum;
}

std::string sweep_table(const Scenario& s, const Lever& lever, const SweepData& d, const std::string& format) {
  const std::size_t V = d.scale.size();
  std::string out;
  if (format == "csv") {
    out += "indicator,region,year,kind,sense,target";
    for (double k : d.scale) out += fmt::format(",p_met_x{}", k);
    out += "\n";
    for (std::size_t t = 0; t < s.targets.size(); ++t) {
      const Target& tg = s.targets[t];
      out += fmt::format("{},{},{},{},{},{}", tg.indicator, tg.region, tg.year, tg.binding ? "binding" : "expected",
                         sense_name(tg.sense), tg.value);
      for (std::size_t v = 0; v < V; ++v) out += fmt::format(",{}", d.tables[v].rows[t].p_met);
      out += "\n";
    }
    return out;
  }
  if (format == "json") {
    auto list = [&](auto get) {
      std::string r = "[";
      for (std::size_t v = 0; v < V; ++v) r += fmt::format("{}{}", v ? ", " : "", get(v));
      return r + "]";
    };
    out += fmt::format("{{\n  \"scenario\": \"{}\",\n  \"lever\": \"{}\",\n  \"lever_unit\": \"{}\",\n", json_escape(s.name),
                       json_escape(lever.id), json_escape(lever.unit));
    out += "  \"scale\": " + list([&](std::size_t v) { return d.scale[v]; }) + ",\n";
    out += "  \"lever_value\": " + list([&](std::size_t v) { return d.lever_value[v]; }) + ",\n";
    out += "  \"targets\": [";
    for (std::size_t t = 0; t < s.targets.size(); ++t) {
      const Target& tg = s.targets[t];
      auto num = [&](double x) { return std::isfinite(x) ? fmt::format("{}", x) : std::string("null"); };
      out += fmt::format(
          "{}\n    {{\"indicator\": \"{}\", \"region\": \"{}\", \"year\": {}, \"kind\": \"{}\", \"sense\": \"{}\", "
          "\"value\": {}, \"p_met\": {}, \"p_met_se\": {}, \"median\": {}}}",
          t ? "," : "", json_escape(tg.indicator), json_escape(tg.region), tg.year, tg.binding ? "binding" : "expected",
          sense_name(tg.sense), num(tg.value),
          list([&](std::size_t v) { return num(d.tables[v].rows[t].p_met); }),
          list([&](std::size_t v) { return num(d.tables[v].rows[t].p_met_se); }),
          list([&](std::size_t v) { return num(d.tables[v].rows[t].median); }));
    }
    out += "\n  ]\n}\n";
    return out;
  }
  constexpr std::size_t kName = 50, kCol = 12;
  const std::string lname = lever.name_en.empty() ? lever.id : lever.name_en;
  out += fmt::format("P(met) against lever {} ({}, {}), scenario '{}'\n", lever.id, lname, lever.unit, s.name);
  out += pad("target", kName);
  for (double k : d.scale) out += " " + pad(fmt::format("x{}", k), kCol, true);
  const bool yuan = lever.unit == "yuan";
  out += "\n" + pad(fmt::format("lever in {}{}", s.horizon.end, yuan ? ", million yuan" : ""), kName);
  for (double x : d.lever_value)
    out += " " + pad(yuan ? fmt::format("{:.4g}", x / 1e6) : fmt::format("{:.4g}", x), kCol, true);
  out += "\n";
  for (std::size_t t = 0; t < s.targets.size(); ++t) {
    const Target& tg = s.targets[t];
    std::string name = target_name(s, tg);
    if (display_width(name) > 34) name = name.substr(0, 31) + "...";
    out += pad(fmt::format("{}{} {} {} {}", tg.binding ? "* " : "", name, tg.sense == Sense::at_least ? ">=" : "<=",
                           fmt_value(tg.value), tg.year),
               kName);
    for (std::size_t v = 0; v < V; ++v)
      out += " " + pad(fmt::format("{:.1f}%", 100.0 * d.tables[v].rows[t].p_met), kCol, true);
    out += "\n";
  }
  out += "* binding (约束性); columns: the lever's whole path multiplied by the factor; same seed for every column\n";
  return out;
}

int cmd_sweep(const SweepArgs& a) {
  Scenario s = load_scenario(a.scenario);
  std::string why;
  const auto scales = parse_scales(a.scale, why);
  if (!scales) {
    std::cerr << "innosim: " << why << "\n";
    return kExitBadInput;
  }
  const Lever* lever = s.lever(a.lever);
  if (lever == nullptr) {
    std::vector<std::string> ids;
    for (const auto& l : s.levers) ids.push_back(l.id);
    std::string msg = fmt::format("innosim: {}: no lever '{}'", a.scenario, a.lever);
    if (auto m = did_you_mean(a.lever, ids); !m.empty()) msg += " — did you mean '" + m + "'?";
    msg += ids.empty() ? " (the scenario has no levers)" : fmt::format(" (levers: {})", fmt::join(ids, ", "));
    std::cerr << msg << "\n";
    return kExitBadInput;
  }
  if (lever->unit == "share" || lever->unit == "probability" || lever->unit == "switch") {
    std::cerr << fmt::format(
        "innosim: lever '{}' has unit '{}'; scaling a {} is meaningless, so it cannot be swept "
        "(sweep a lever in yuan, count or rate, or write what-if scenarios and use `innosim compare`)\n",
        lever->id, lever->unit, lever->unit);
    return kExitBadInput;
  }
  const std::size_t draws = a.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.seed.value_or(s.run.seed);
  // Every scaled scenario is built and validated before anything is computed.
  std::vector<Scenario> variants;
  SweepData data;
  data.lever = lever->id;
  for (const double k : *scales) {
    Scenario sk = s;
    for (Lever& l : sk.levers) {
      if (l.id != lever->id) continue;
      if (l.zone)
        for (double& x : l.zone->values) x *= k;
      for (YearSeries& ys : l.by_region)
        for (double& x : ys.values) x *= k;
      data.lever_value.push_back(lever_zone_total(l, sk.horizon.end, sk.regions.size()));
    }
    data.scale.push_back(k);
    with_model(sk, [&](const auto& model) -> int {
      Sampler sampler(sk, seed, draws);
      (void)target_offsets(sk, model.indicators());
      return 0;
    });
    variants.push_back(std::move(sk));
  }

  std::string out = a.output;
  if (out.empty()) out = std::filesystem::path(a.scenario).stem().string() + "-sweep.h5";
  if (const auto dir = std::filesystem::path(out).parent_path(); !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // failure surfaces as the writer's error
  }
  Progress progress(!a.quiet && isatty(STDERR_FILENO));
  const auto t0 = std::chrono::steady_clock::now();
  ResultShape shape;
  const std::size_t V = variants.size();
  for (std::size_t v = 0; v < V; ++v) {
    const Scenario& sk = variants[v];
    const int rc = with_model(sk, [&](const auto& model) -> int {
      Sampler sampler(sk, seed, draws);
      RunOptions opt;
      opt.draws = draws;
      opt.seed = seed;  // the same seed at every point: common random numbers
      opt.threads = a.threads;
      opt.invalid = sk.run.invalid_draws;
      opt.integrator.rtol = sk.run.rtol;
      opt.integrator.atol = sk.run.atol;
      opt.cancel = &g_cancel;
      if (progress.enabled())
        opt.progress = [&](std::size_t d, std::size_t n) { progress.update(v * n + d, V * n); };
      MemorySink sink(sk.targets.size());
      RunOutcome r = run_monte_carlo(model, sk, sampler, opt, sink);
      if (r.cancelled) {
        progress.finish();
        std::cerr << "innosim: interrupted; no output written\n";
        return kExitInterrupted;
      }
      if (r.failed()) {
        progress.finish();
        std::cerr << fmt::format(
            "innosim: the sweep failed at factor {}: {} invalid draw{} (run.invalid_draws = \"fail\")\n"
            "set [run] invalid_draws = \"drop\" to drop and count such draws; no output written\n",
            data.scale[v], r.failures.size(), r.failures.size() == 1 ? "" : "s");
        return kExitFailed;
      }
      shape = r.shape;
      data.tables.push_back(std::move(r.table));
      return 0;
    });
    if (rc != 0) return rc;
  }
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  SweepHeader header{kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws, s.model};
  write_sweep_file(out, s, shape, header, data);
  std::cout << sweep_table(s, *lever, data, a.format);
  if (!a.quiet)
    std::cerr << fmt::format("innosim: {} points x {} draws in {:.2f} s -> {}\n", V, draws, seconds, out);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{fmt::format("innosim {} — forecasts S&T indicators under uncertainty from scenario files", kVersion)};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("innosim {} ({})", kVersion, kGitSha));

  RunArgs ra;
  auto* run = app.add_subcommand("run", "Run a scenario: print the target table and write an HDF5 file");
  run->add_option("scenario", ra.scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  run->add_option("-n,--draws", ra.draws, "Monte Carlo draws (default: the scenario's [run] draws)")->check(CLI::PositiveNumber);
  run->add_option("-o,--output", ra.output, "HDF5 output file (default: the scenario file's name with .h5, in the current folder)");
  run->add_option("--threads", ra.threads, "Worker threads (default: all cores)");
  run->add_option("--seed", ra.seed, "Master seed (default: the scenario's [run] seed)");
  run->add_option("--sampler", ra.sampler, "Parameter sampler (default: the scenario's)")
      ->check(CLI::IsMember({"monte_carlo", "latin_hypercube", "sobol"}));
  run->add_option("--format", ra.format, "Target table format")->check(CLI::IsMember({"text", "csv", "json"}));
  run->add_flag("-q,--quiet", ra.quiet, "No progress bar or timing line");
  run->add_flag("--trajectories", ra.trajectories, "Also store every draw's indicator values (large)");
  run->add_flag("--save-uniforms", ra.save_uniforms, "Also store the model's yearly random inputs (for tools/reference_model.py)");
  run->add_flag("--regions", ra.regions, "Also print every indicator by region at the last report year");
  run->add_option("--block-tiles", ra.block_tiles, "Tiles of 256 draws per parallel task (results do not depend on it)");
  run->add_option("--replay", ra.replay, "Replay one draw by its index and print its parameters and zone trajectory");

  std::string vpath;
  bool resolved = false;
  auto* validate = app.add_subcommand("validate", "Check a scenario file; print every problem with file:line:col");
  validate->add_option("scenario", vpath, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  validate->add_flag("--resolved", resolved, "Print the resolved scenario, each value with where it came from");

  std::string cpath, cformat = "text";
  auto* check = app.add_subcommand("check", "Print the target table of a run file again, from the file alone");
  check->add_option("file", cpath, "Run file (HDF5)")->required()->check(CLI::ExistingFile);
  check->add_option("--format", cformat, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));

  std::vector<std::string> cmp;
  auto* compare = app.add_subcommand("compare", "P(met) and medians of several runs side by side");
  compare->add_option("files", cmp, "Run files (HDF5)")->required()->check(CLI::ExistingFile);

  std::vector<std::string> rfiles;
  std::string rout = "report", rlang = "en";
  auto* report = app.add_subcommand("report", "Charts and an HTML/PDF report for the committee (tools/report.py)");
  report->add_option("files", rfiles, "Run files and sweep files (HDF5)")->required()->check(CLI::ExistingFile);
  report->add_option("-o,--output", rout, "Output folder");
  report->add_option("--lang", rlang, "Language of the report")->check(CLI::IsMember({"en", "zh"}));

  SweepArgs sa;
  auto* sweep = app.add_subcommand("sweep", "P(met) of every target against one lever scaled by several factors");
  sweep->add_option("scenario", sa.scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  sweep->add_option("--lever", sa.lever, "Lever id to scale (its whole path, zone or every region)")->required();
  sweep->add_option("--scale", sa.scale, "Comma-separated factors, e.g. 0.5,1,2,4")->capture_default_str();
  sweep->add_option("-n,--draws", sa.draws, "Monte Carlo draws per point (default: the scenario's [run] draws)")
      ->check(CLI::PositiveNumber);
  sweep->add_option("--seed", sa.seed, "Master seed, the same for every point (default: the scenario's)");
  sweep->add_option("--threads", sa.threads, "Worker threads (default: all cores)");
  sweep->add_option("-o,--output", sa.output, "HDF5 sweep file (default: the scenario file's name with -sweep.h5)");
  sweep->add_option("--format", sa.format, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));
  sweep->add_flag("-q,--quiet", sa.quiet, "No progress bar or timing line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitBadInput;
  }

  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
  try {
    if (*run) return cmd_run(ra);
    if (*validate) return cmd_validate(vpath, resolved);
    if (*check) return cmd_check(cpath, cformat);
    if (*compare) return cmd_compare(cmp);
    if (*report) return cmd_report(rfiles, rout, rlang);
    if (*sweep) return cmd_sweep(sa);
  } catch (const ScenarioError& e) {
    print_problems(e);
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "innosim: " << e.what() << "\n";
    return kExitFailed;
  }
  return 0;
}
