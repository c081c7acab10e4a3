// innosim — forecasts S&T indicators under uncertainty from scenario files.
//
//   innosim run scenarios/plan-2016-2020.toml                 target table + plan-2016-2020.h5
//   innosim run scenarios/plan-2016-2020.toml -n 100000 --threads 2 -o out/plan.h5
//   innosim run scenarios/whatif-double-fiscal-rd.toml --format csv --quiet
//   innosim validate scenarios/plan-2016-2020.toml --resolved
//   innosim check plan-2016-2020.h5 --format json
//   innosim compare plan-2016-2020.h5 baseline.h5
//   innosim report plan-2016-2020.h5 -o report/ --lang zh
//
// Exit codes: 0 success; 1 the run failed (invalid draw, I/O); 2 bad input;
// 130 interrupted (Ctrl-C; no output file is left behind).

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
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

#include "innosim/model/binding.hpp"
#include "innosim/models/exp_growth.hpp"
#include "innosim/models/four_plus_one.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
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
  report->add_option("files", rfiles, "Run files (HDF5)")->required()->check(CLI::ExistingFile);
  report->add_option("-o,--output", rout, "Output folder");
  report->add_option("--lang", rlang, "Language of the report")->check(CLI::IsMember({"en", "zh"}));

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
  } catch (const ScenarioError& e) {
    print_problems(e);
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "innosim: " << e.what() << "\n";
    return kExitFailed;
  }
  return 0;
}
