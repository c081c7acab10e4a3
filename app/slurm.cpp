// innosim slurm: a run as a Slurm job array of K shards and a merge job that
// runs when every shard succeeded (docs/cluster.md).
//
//   innosim slurm scenarios/plan-2016-2020.toml --shards 20 -n 10000000 --threads 8 -o plan.h5
//   innosim slurm --resubmit plan.h5.slurm      after a shard failed: the missing shards and the merge again
//
// It writes two job scripts into a work folder (default OUT.slurm/): shard.sh,
// run as an array (task k runs `innosim run --shard k/K --resume`, so a
// requeued or resubmitted task continues from its checkpoint), and merge.sh
// (`innosim merge` of the K shard files into OUT); then submits them with
// sbatch, the merge with --dependency=afterok:<array> and
// --kill-on-invalid-dep=yes, so a failed shard cancels the merge instead of
// leaving it pending.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/shard_file.hpp"
#include "options.hpp"
#include "problems.hpp"

namespace innosim::app {

namespace {

namespace fs = std::filesystem;

constexpr const char* kConfig = "job.conf";  // what --resubmit needs, key = value

struct SlurmArgs {
  std::string scenario;
  unsigned shards = 0;
  std::optional<std::size_t> draws;
  std::optional<std::uint64_t> seed;
  std::string sampler;
  unsigned threads = 1;
  std::string output;
  std::string workdir;
  std::string sbatch_args;
  std::string store;  // empty: run's default
  bool trajectories = false;
  bool save_uniforms = false;
  bool dry_run = false;
  bool force = false;
  std::string resubmit;  // a work folder
};

// 'text' quoted for bash.
std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// --sbatch-args "--partition=long --time=2:00:00" -> words (split on blanks; quotes group).
std::vector<std::string> split_args(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  char quote = 0;
  bool any = false;
  for (const char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      any = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (any || !cur.empty()) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
    }
  }
  if (quote) throw BadInput("--sbatch-args: unbalanced quote in '" + text + "'");
  if (any || !cur.empty()) out.push_back(cur);
  return out;
}

fs::path this_program() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find this program (/proc/self/exe: " + ec.message() + ")");
  return exe;
}

// Runs `command` (a shell line); returns its stdout, throws with its output when it fails.
std::string capture(const std::string& command) {
  std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) throw std::runtime_error("cannot run: " + command);
  std::string out;
  char buf[4096];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int rc = ::pclose(p);
  if (rc != 0) throw std::runtime_error(fmt::format("`{}` failed:\n{}", command, out));
  return out;
}

// sbatch --parsable ... -> the job id.
std::string submit(const std::vector<std::string>& sbatch_args, const std::vector<std::string>& extra,
                   const fs::path& script) {
  std::string cmd = "sbatch --parsable";
  for (const auto& a : extra) cmd += " " + sh_quote(a);
  for (const auto& a : sbatch_args) cmd += " " + sh_quote(a);
  cmd += " " + sh_quote(script.string());
  std::string out = capture(cmd);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  const auto last_line = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  const std::string id = last_line.substr(0, last_line.find(';'));  // "id;cluster"
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error("sbatch did not give a job id: " + out);
  return id;
}

void write_file(const fs::path& p, const std::string& text, bool executable) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) throw std::runtime_error(p.string() + ": cannot write");
  if (executable) fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                                  fs::perm_options::add);
}

std::string shard_file(unsigned k, unsigned K) { return fmt::format("shard-{}-of-{}.h5", k, K); }

struct Job {
  fs::path dir, output;
  unsigned shards = 0;
  std::vector<std::string> sbatch_args;
};

void save_config(const Job& j) {
  std::ostringstream o;
  o << "shards = " << j.shards << "\noutput = " << j.output.string() << "\n";
  for (const auto& a : j.sbatch_args) o << "sbatch_arg = " << a << "\n";
  write_file(j.dir / kConfig, o.str(), false);
}

Job load_config(const fs::path& dir) {
  std::ifstream f(dir / kConfig);
  if (!f)
    throw BadInput(dir.string() + ": not a work folder of `innosim slurm` (no " + kConfig + " in it)");
  Job j;
  j.dir = fs::absolute(dir);
  std::string line;
  while (std::getline(f, line)) {
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 3);
    if (key == "shards") j.shards = static_cast<unsigned>(std::stoul(value));
    if (key == "output") j.output = value;
    if (key == "sbatch_arg") j.sbatch_args.push_back(value);
  }
  if (j.shards == 0 || j.output.empty()) throw BadInput((dir / kConfig).string() + ": incomplete");
  return j;
}

// Submits shards `todo` (an array) and the merge after them; prints the ids and how to follow them.
int submit_run(const Job& j, const std::vector<unsigned>& todo, bool dry_run) {
  std::vector<std::string> ids;
  std::string array_id;
  const std::string array = fmt::format("--array={}", fmt::join(todo, ","));
  if (dry_run) {
    std::string extra;
    for (const auto& x : j.sbatch_args) extra += sh_quote(x) + " ";
    if (!todo.empty()) std::cout << fmt::format("sbatch --parsable {} {}{}\n", array, extra, (j.dir / "shard.sh").string());
    std::cout << fmt::format("sbatch --parsable{} {}{}\n",
                             todo.empty() ? "" : " --dependency=afterok:<the array's job id> --kill-on-invalid-dep=yes",
                             extra, (j.dir / "merge.sh").string());
    return kExitOk;
  }
  std::vector<std::string> merge_extra;
  if (!todo.empty()) {
    array_id = submit(j.sbatch_args, {array}, j.dir / "shard.sh");
    ids.push_back(array_id);
    merge_extra = {"--dependency=afterok:" + array_id, "--kill-on-invalid-dep=yes"};
  }
  const std::string merge_id = submit(j.sbatch_args, merge_extra, j.dir / "merge.sh");
  ids.push_back(merge_id);
  if (!todo.empty())
    std::cout << fmt::format("shards: job {} (array tasks {} of {})\n", array_id, fmt::join(todo, ","), j.shards);
  std::cout << fmt::format("merge:  job {}{}\n", merge_id, todo.empty() ? "" : " (runs when every shard succeeded)");
  std::cout << fmt::format(
      "follow: squeue -j {0}    (details: scontrol show job {1})\n"
      "logs:   {2}/shard-<k>.log, {2}/merge.log (the target table)\n"
      "result: {3}\n"
      "if a shard fails, the merge job is cancelled: fix the cause, then run\n"
      "        innosim slurm --resubmit {2}\n",
      fmt::join(ids, ","), merge_id, j.dir.string(), j.output.string());
  return kExitOk;
}

int slurm(const SlurmArgs& a) {
  if (!a.resubmit.empty()) {
    const Job j = load_config(a.resubmit);
    std::vector<unsigned> todo;
    for (unsigned k = 1; k <= j.shards; ++k) {
      const fs::path p = j.dir / shard_file(k, j.shards);
      try {
        (void)read_shard_info(p.string());
      } catch (const std::exception&) {
        todo.push_back(k);
      }
    }
    std::cout << (todo.empty() ? std::string("every shard is done; submitting the merge\n")
                               : fmt::format("shards to run again: {}\n", fmt::join(todo, ",")));
    return submit_run(j, todo, a.dry_run);
  }
  if (a.scenario.empty()) throw BadInput("slurm: give a scenario file, or --resubmit FOLDER");
  if (a.shards == 0) throw BadInput("slurm: --shards K is required");

  // Everything the shards will find wrong, found now.
  Scenario s = load_scenario(a.scenario);
  if (!a.sampler.empty()) s.run.sampler = parse_sampler(a.sampler);
  const std::size_t draws = a.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.seed.value_or(s.run.seed);
  (void)parse_shard(fmt::format("{}/{}", a.shards, a.shards), draws);
  visit_model(s, [&](const auto& model) {
    (void)checked_sampler(model, s, seed, draws);
    return 0;
  });

  Job j;
  j.shards = a.shards;
  j.output = fs::absolute(output_path(a.output, a.scenario, ".h5"));
  j.dir = fs::absolute(a.workdir.empty() ? j.output.string() + ".slurm" : a.workdir);
  j.sbatch_args = split_args(a.sbatch_args);
  // The outputs, checked as every command's: the merged file, and the work
  // folder's files (a folder of an earlier job is continued with --resubmit,
  // not overwritten without --force).
  check_output(j.output.string(), a.force, s);
  if (!a.force) {
    std::vector<std::string> earlier{kConfig, "shard.sh", "merge.sh"};
    for (unsigned k = 1; k <= a.shards; ++k) earlier.push_back(shard_file(k, a.shards));
    for (const std::string& name : earlier)
      if (fs::is_regular_file(j.dir / name))
        throw BadInput(fmt::format("{}: holds {} of an earlier job; continue it with innosim slurm --resubmit {}, "
                                   "or use --force to start over",
                                   j.dir.string(), name, j.dir.string()));
  }
  fs::create_directories(j.dir);

  const fs::path exe = this_program(), scenario = fs::absolute(a.scenario);
  const unsigned K = a.shards;
  std::string run = fmt::format("{} run {} -n {} --seed {} --sampler {} --threads \"${{SLURM_CPUS_PER_TASK:-{}}}\"",
                                sh_quote(exe.string()), sh_quote(scenario.string()), draws, seed,
                                sampler_name(s.run.sampler), a.threads);
  if (!a.store.empty()) run += " --store " + a.store;
  if (a.trajectories) run += " --trajectories";
  if (a.save_uniforms) run += " --save-uniforms";
  const std::string shard_sh = fmt::format(
      "#!/bin/bash\n"
      "# Shard k of {K} of a run of {scenario}, written by `innosim slurm`.\n"
      "# Submit as an array: sbatch --array=1-{K} shard.sh (or some of 1..{K} again).\n"
      "# --resume: a requeued or resubmitted task continues from its checkpoint.\n"
      "#SBATCH --job-name=innosim-shards\n"
      "#SBATCH --output={dir}/shard-%a.log\n"
      "{cpus}"
      "k=${{SLURM_ARRAY_TASK_ID:?submit as a job array: sbatch --array=1-{K} $0}}\n"
      "exec {run} --shard \"$k/{K}\" -q --resume --force -o {dirq}/shard-\"$k\"-of-{K}.h5\n",
      fmt::arg("K", K), fmt::arg("scenario", scenario.string()), fmt::arg("dir", j.dir.string()),
      fmt::arg("dirq", sh_quote(j.dir.string())),
      fmt::arg("cpus", a.threads > 1 ? fmt::format("#SBATCH --cpus-per-task={}\n", a.threads) : std::string()),
      fmt::arg("run", run));
  std::string files;
  for (unsigned k = 1; k <= K; ++k) files += " " + sh_quote((j.dir / shard_file(k, K)).string());
  const std::string merge_sh = fmt::format(
      "#!/bin/bash\n"
      "# Merges the {K} shards into {out}, written by `innosim slurm`; the target table goes to merge.log.\n"
      "#SBATCH --job-name=innosim-merge\n"
      "#SBATCH --output={dir}/merge.log\n"
      "exec {exe} merge{files} -o {outq}{force}\n",
      fmt::arg("K", K), fmt::arg("out", j.output.string()), fmt::arg("dir", j.dir.string()),
      fmt::arg("exe", sh_quote(exe.string())), fmt::arg("files", files), fmt::arg("outq", sh_quote(j.output.string())),
      fmt::arg("force", a.force ? " --force" : ""));
  write_file(j.dir / "shard.sh", shard_sh, true);
  write_file(j.dir / "merge.sh", merge_sh, true);
  save_config(j);

  std::vector<unsigned> all;
  for (unsigned k = 1; k <= K; ++k) all.push_back(k);
  std::cout << fmt::format("{} shards of {} ({} draws, seed {}); job scripts in {}\n", K, s.name, draws, seed,
                           j.dir.string());
  return submit_run(j, all, a.dry_run);
}

}  // namespace

Command add_slurm_command(CLI::App& app) {
  auto a = std::make_shared<SlurmArgs>();
  auto* cmd = app.add_subcommand(
      "slurm", "Run a scenario on a Slurm cluster: a job array of shards and a merge job after them (docs/cluster.md)");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->check(CLI::ExistingFile);
  cmd->add_option("--shards", a->shards, "Number of shards K (array tasks); at most the draws / 256")
      ->check(CLI::PositiveNumber);
  cmd->add_option("-n,--draws", a->draws, "Monte Carlo draws of the whole run (default: the scenario's [run] draws)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", a->seed, "Master seed (default: the scenario's [run] seed)");
  cmd->add_option("--sampler", a->sampler, "Parameter sampler (default: the scenario's)")
      ->check(CLI::IsMember({"monte_carlo", "latin_hypercube", "sobol"}));
  cmd->add_option("--threads", a->threads, "Threads per shard (asks Slurm for as many CPUs per task)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("-o,--output", a->output,
                  "The merged HDF5 file (default: the scenario file's name with .h5, in the current folder)");
  cmd->add_option("--workdir", a->workdir, "Folder for the job scripts, logs and shard files (default: OUTPUT.slurm)");
  cmd->add_option("--sbatch-args", a->sbatch_args,
                  "More sbatch options for both jobs, in one string (e.g. \"--partition=long --time=2:00:00\")");
  auto* store = cmd->add_option("--store", a->store,
                                 "What the merged file keeps of each draw (as innosim run --store; default targets)")
                    ->check(CLI::IsMember({"summary", "targets", "parameters", "trajectories"}));
  cmd->add_flag("--trajectories", a->trajectories, "Same as --store trajectories")->excludes(store);
  cmd->add_flag("--save-uniforms", a->save_uniforms, "Also store the model's yearly random inputs");
  cmd->add_flag("--force", a->force,
                "Replace the output file if it exists, and the job scripts and shard files of an earlier job in the "
                "work folder");
  cmd->add_flag("--dry-run", a->dry_run, "Write the job scripts and print the sbatch commands; submit nothing");
  cmd->add_option("--resubmit", a->resubmit,
                  "A work folder of an earlier `innosim slurm`: submit its missing shards and the merge again")
      ->check(CLI::ExistingDirectory);
  return {cmd, [a] { return slurm(*a); }};
}

}  // namespace innosim::app
