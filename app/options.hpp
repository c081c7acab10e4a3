#pragma once
// Option values shared by several commands: table formats, samplers, the
// default output file, the input check done before any computation, the
// runner's options from the scenario's [run] settings.

#include <sys/statvfs.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "innosim/analysis/innovation_index.hpp"
#include "innosim/outputs/output_policy.hpp"
#include "innosim/outputs/table.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/run/footprint.hpp"
#include "innosim/run/run_options.hpp"  // RunOptions
#include "innosim/run/run_state.hpp"    // shard_range
#include "innosim/run/shape.hpp"        // target_offsets
#include "innosim/scenario/scenario.hpp"
#include "problems.hpp"

namespace innosim::app {

// A CLI11 check: a decimal integer from `lo` to `hi`, written as digits only
// (no sign, fraction or exponent: `--seed -1` and `--seed 1e23` are refused,
// not wrapped or rounded).
inline CLI::Validator integer_in(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        const auto [at, err] = std::from_chars(text.data(), end, v);
        const bool digits = !text.empty() && text[0] >= '0' && text[0] <= '9' && at == end;
        if (digits && err == std::errc() && v >= lo && v <= hi) return {};
        return fmt::format("expected an integer from {} to {}, got '{}'", lo, hi, text);
      },
      fmt::format("INT in [{}, {}]", lo, hi));
}

// --threads, -n and --block-tiles accept at most these; beyond, memory and
// disk checks (check_footprint) refuse what this machine cannot hold.
inline constexpr std::uint64_t kMaxThreads = 1024;
inline constexpr std::uint64_t kMaxDraws = std::uint64_t{1} << 40;
inline constexpr std::uint64_t kMaxBlockTiles = std::uint64_t{1} << 20;

// The options of every command that runs a scenario at several points
// (sweep, design, solve): draws, seed, threads, output, table format, quiet.
struct PointsArgs {
  std::optional<std::size_t> draws;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::string output;
  std::string format = "text";
  bool quiet = false;
  bool force = false;
};

// Adds them to `cmd`; `file` says what the output file is and its default
// suffix ("HDF5 sweep file", "-sweep.h5").
inline void add_points_options(CLI::App* cmd, PointsArgs& a, const std::string& file, const std::string& suffix) {
  cmd->add_option("-n,--draws", a.draws, "Monte Carlo draws per point (default: the scenario's [run] draws)")
      ->check(integer_in(1, kMaxDraws));
  cmd->add_option("--seed", a.seed, "Master seed, 0 to 2^64-1, the same for every point (default: the scenario's)")
      ->check(integer_in(0, UINT64_MAX));
  cmd->add_option("--threads", a.threads, "Worker threads (default: all cores)")->check(integer_in(1, kMaxThreads));
  cmd->add_option("-o,--output", a.output, file + " (default: the scenario file's name with " + suffix + ")");
  cmd->add_flag("--force", a.force, "Replace the output file if it exists");
  cmd->add_option("--format", a.format, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("-q,--quiet", a.quiet, "No progress bar or timing line");
}

// The values CLI11 admits for --format.
inline TableFormat parse_format(const std::string& f) {
  if (f == "csv") return TableFormat::csv;
  if (f == "json") return TableFormat::json;
  return TableFormat::text;
}

// The values CLI11 admits for --sampler.
inline SamplerKind parse_sampler(const std::string& s) {
  if (s == "monte_carlo") return SamplerKind::monte_carlo;
  if (s == "latin_hypercube") return SamplerKind::latin_hypercube;
  return SamplerKind::sobol;
}

inline const char* sampler_name(SamplerKind k) {
  switch (k) {
    case SamplerKind::monte_carlo: return "monte_carlo";
    case SamplerKind::latin_hypercube: return "latin_hypercube";
    case SamplerKind::sobol: return "sobol";
  }
  return "?";
}

// `given`, or the scenario file's name with `suffix` in the current folder.
// Creates the folder of the result (`-o out/plan.h5` creates out/: batches
// write into fresh folders); a failure surfaces as the writer's error.
inline std::string output_path(const std::string& given, const std::string& scenario, const std::string& suffix) {
  std::string out = given.empty() ? std::filesystem::path(scenario).stem().string() + suffix : given;
  if (const auto dir = std::filesystem::path(out).parent_path(); !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  return out;
}

// Refuses (BadInput) an output path that is one of `inputs`, a directory or
// not a regular file, or an existing file without --force.
inline void check_output(const std::string& path, bool force, const std::vector<std::string>& inputs) {
  if (const std::string why = output_problem(path, OutputPolicy{force}, inputs); !why.empty())
    throw BadInput(fmt::format("cannot write {}: {}; nothing was computed", path, why));
}

// The files a scenario was read from: its TOML file, every file it extends,
// and its [posterior] file.
inline std::vector<std::string> scenario_inputs(const Scenario& s) {
  std::vector<std::string> inputs;
  for (const auto& f : s.files) inputs.push_back(f.first);
  if (s.posterior) inputs.push_back(s.posterior->path);
  return inputs;
}

// check_output with the scenario's files as the inputs.
inline void check_output(const std::string& path, bool force, const Scenario& s) {
  check_output(path, force, scenario_inputs(s));
}

inline std::string bytes_text(double b) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) {
    b /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} bytes", b) : fmt::format("{:.1f} {}", b, units[u]);
}

// Refuses (BadInput) a run this machine cannot hold: more memory than it has,
// or a file larger than the free space of its folder (`out` empty: no file).
inline void check_footprint(const RunFootprint& f, const std::string& out, const std::string& what) {
  const double memory = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (memory > 0 && f.memory_bytes > memory)
    throw BadInput(fmt::format("{} would need at least {} of memory; this machine has {} (lower -n, --threads or "
                               "--block-tiles); nothing was computed",
                               what, bytes_text(f.memory_bytes), bytes_text(memory)));
  if (out.empty()) return;
  const std::filesystem::path dir = std::filesystem::path(out).parent_path();
  struct statvfs fs {};
  if (statvfs(dir.empty() ? "." : dir.c_str(), &fs) != 0) return;
  const double free = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
  if (f.file_bytes > free)
    throw BadInput(fmt::format("{} would write a file of at least {}; {} has {} free (lower -n); nothing was computed",
                               what, bytes_text(f.file_bytes), dir.empty() ? "." : dir.string(), bytes_text(free)));
}

// The sampler for `draws` draws, after every input problem of the scenario
// and the model (parameters, target and index indicators) has been found: throws
// ScenarioError before anything is computed.
template <class M>
Sampler checked_sampler(const M& model, const Scenario& s, std::uint64_t seed, std::size_t draws) {
  Sampler sampler(s, seed, draws);
  (void)target_offsets(s, model.indicators());
  if (s.index) (void)InnovationIndex(s, model.indicators());  // its components are the model's indicators
  return sampler;
}

// Runner options as the scenario's [run] settings ask (invalid draws,
// integrator tolerances) for `draws` draws from `seed`.
inline RunOptions scenario_run_options(const Scenario& s, std::size_t draws, std::uint64_t seed) {
  RunOptions opt;
  opt.draws = draws;
  opt.seed = seed;
  opt.invalid = s.run.invalid_draws;
  opt.integrator.rtol = s.run.rtol;
  opt.integrator.atol = s.run.atol;
  return opt;
}

// Shard k of K of a run and the draws it runs.
struct Shard {
  unsigned k = 0, K = 0;
  DrawRange range;
};

// --shard "k/K": (k, K); throws BadInput unless 1 <= k <= K are numbers.
inline std::pair<unsigned, unsigned> parse_shard_index(const std::string& text) {
  const auto slash = text.find('/');
  auto number = [&](const std::string& part) -> unsigned {
    if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos)
      throw BadInput("--shard: expected k/K with 1 <= k <= K (e.g. 2/3), got '" + text + "'");
    return static_cast<unsigned>(std::stoul(part));
  };
  if (slash == std::string::npos) number("");
  const unsigned k = number(text.substr(0, slash)), K = number(text.substr(slash + 1));
  if (k < 1 || k > K) throw BadInput("--shard: expected k/K with 1 <= k <= K (e.g. 2/3), got '" + text + "'");
  return {k, K};
}

// --shard "k/K" for a run of `draws` draws; nullopt when not given. Throws
// BadInput for anything else than 1 <= k <= K <= the run's tiles.
inline std::optional<Shard> parse_shard(const std::string& text, std::uint64_t draws) {
  if (text.empty()) return std::nullopt;
  const auto [k, K] = parse_shard_index(text);
  Shard s{k, K, {}};
  try {
    s.range = shard_range(draws, s.k, s.K);
  } catch (const std::invalid_argument& e) {
    throw BadInput(std::string("--shard ") + text + ": " + e.what());
  }
  return s;
}


}  // namespace innosim::app
