// Sharded runs merged (innosim run --shard k/K, innosim merge) and runs
// resumed from their checkpoints (--resume) give the single-process file bit
// for bit; merge and resume refuse what is not theirs, naming it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "e2e_helpers.hpp"

using namespace e2e;

namespace {

// 0 when every numeric dataset of a and b is equal bit for bit (tests/e2e/same_numbers.py).
int same_numbers(const fs::path& a, const fs::path& b) {
  const std::string cmd = std::string(INNOSIM_PYTHON) + " " + INNOSIM_SOURCE_DIR + "/tests/e2e/same_numbers.py " +
                          a.string() + " " + b.string();
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// A scenario that drops draws (explode.toml's draws fail; here they are dropped).
fs::path dropping_scenario() {
  const fs::path p = temp_dir() / "drop.toml";
  std::ofstream(p) << "[scenario]\nname = \"drop\"\nextends = \"" << data("explode.toml")
                   << "\"\n\n[run]\ninvalid_draws = \"drop\"\ndraws = 1500\n";
  return p;
}

// exp.toml with an innovation index (output against a standard of 150):
// /innovation_index in its run files, its counts in shards and checkpoints.
fs::path index_scenario() {
  const fs::path p = temp_dir() / "exp-index.toml";
  std::ofstream(p) << "[scenario]\nextends = \"" << data("exp.toml")
                   << "\"\n\n[index]\n[[index.components]]\nindicator = \"output\"\nweight = 1\nstandard = 150\n";
  return p;
}

std::string plan() { return std::string(INNOSIM_SOURCE_DIR) + "/scenarios/plan-2016-2020.toml"; }

// Runs `innosim args...` with INNOSIM_FAULT_AFTER=`fault` (the process
// sends itself a signal right after logging that block: a crash or a Ctrl-C
// at a known point, whatever the machine's speed), stderr to `err`; returns
// its wait status.
int run_with_fault(const std::vector<std::string>& args, const std::string& fault, const fs::path& err) {
  std::fflush(nullptr);  // else the child writes out what the test had buffered
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("INNOSIM_FAULT_AFTER", fault.c_str(), 1);
    std::freopen(err.c_str(), "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    std::vector<char*> argv{const_cast<char*>("innosim")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(INNOSIM_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// The long scenario, cut to `kDraws` (98 blocks of --block-tiles 4), and its
// uninterrupted run file.
constexpr const char* kDraws = "100000";
const fs::path& reference_long() {
  static const fs::path ref = [] {
    const fs::path p = temp_dir() / "long-ref.h5";
    const Out r = innosim("run " + data("long.toml") + " -n " + kDraws + " -q --checkpoint-every 0 -o " + p.string());
    REQUIRE(r.code == 0);
    return p;
  }();
  return ref;
}

}  // namespace

TEST_CASE("shards 1/1, 2 and 3 merged equal the single-process run bit for bit", "[e2e][shard]") {
  const auto [scenario, options] = GENERATE(table<std::string, std::string>({
      {data("exp.toml"), " --trajectories --save-uniforms"},  // every per-draw dataset
      {dropping_scenario().string(), ""},                       // dropped draws in every shard
      {dropping_scenario().string(), " --store summary"},       // no per-draw values: /draws/dropped
      {index_scenario().string(), ""},                          // /innovation_index
      {plan(), " -n 1024"},                                     // the shipped plan: its index of five regions
  }));
  CAPTURE(scenario, options);
  const fs::path single = temp_dir() / "single.h5";
  const Out s = innosim("run " + scenario + options + " -q --threads 2 --format csv --force -o " + single.string());
  INFO(s.err);
  REQUIRE(s.code == 0);
  if (scenario == plan() || fs::path(scenario).filename() == "exp-index.toml")  // so same_numbers compares it
    REQUIRE(python("import h5py, sys; sys.exit(0 if \"innovation_index/rank_counts\" in h5py.File(\"" +
                   single.string() + "\", \"r\") else 1)") == 0);
  for (int K = 1; K <= 3; ++K) {
    std::string files;
    for (int k = 1; k <= K; ++k) {
      const fs::path part = temp_dir() / ("part-" + std::to_string(k) + "-of-" + std::to_string(K) + ".h5");
      const Out p = innosim("run " + scenario + options + " -q --force --threads " + std::to_string(k) + " --shard " +
                            std::to_string(k) + "/" + std::to_string(K) + " -o " + part.string());
      INFO(p.err);
      REQUIRE(p.code == 0);
      files = part.string() + " " + files;  // any order
    }
    const fs::path merged = temp_dir() / ("merged-" + std::to_string(K) + ".h5");
    const Out m = innosim("merge " + files + "--format csv -q --force -o " + merged.string());
    CAPTURE(K);
    INFO(m.err);
    REQUIRE(m.code == 0);
    CHECK(m.out == s.out);  // the same target table
    CHECK(same_numbers(single, merged) == 0);
    // check reads the merged file like any run file.
    CHECK(innosim("check " + merged.string() + " --format csv").out == s.out);
  }
}

TEST_CASE("merge refuses a missing, a duplicated and a foreign shard, naming it", "[e2e][shard][bad-input]") {
  const std::string exp = data("exp.toml");
  auto shard = [&](const std::string& scenario, const std::string& k, const std::string& extra) {
    const fs::path p = temp_dir() / ("refuse-" + fs::path(scenario).stem().string() + "-" + k.substr(0, 1) +
                                     (extra.empty() ? "" : "-x") + ".h5");
    REQUIRE(innosim("run " + scenario + " -q --shard " + k + extra + " -o " + p.string()).code == 0);
    return p.string();
  };
  const std::string s1 = shard(exp, "1/3", ""), s2 = shard(exp, "2/3", ""), s3 = shard(exp, "3/3", "");
  const fs::path out = temp_dir() / "refused.h5";

  const Out missing = innosim("merge " + s1 + " " + s3 + " -o " + out.string());
  CHECK(missing.code == 2);
  CHECK(missing.err.find("shard 2/3") != std::string::npos);
  CHECK(missing.err.find("missing") != std::string::npos);

  const Out twice = innosim("merge " + s1 + " " + s2 + " " + s2 + " " + s3 + " -o " + out.string());
  CHECK(twice.code == 2);
  CHECK(twice.err.find("shard 2/3 given 2 times: " + s2 + ", " + s2) != std::string::npos);

  const std::string other_seed = shard(exp, "2/3", " --seed 12");
  const Out seed = innosim("merge " + s1 + " " + other_seed + " " + s3 + " -o " + out.string());
  CHECK(seed.code == 2);
  CHECK(seed.err.find(other_seed + ": a shard of another run (seed 12 where the run has 11)") != std::string::npos);
  CHECK(seed.err.find("shard 2/3 of the run of") != std::string::npos);  // and so 2/3 is missing

  const std::string other_scenario = shard(data("long.toml"), "2/3", " -n 2000 --seed 11");
  const Out scen = innosim("merge " + s1 + " " + s2 + " " + s3 + " " + other_scenario + " -o " + out.string());
  CHECK(scen.code == 2);
  CHECK(scen.err.find(other_scenario + ": a shard of another run (scenario 'long'") != std::string::npos);

  const fs::path run_file = temp_dir() / "refuse-run.h5";
  REQUIRE(innosim("run " + exp + " -q -o " + run_file.string()).code == 0);
  const Out not_shard = innosim("merge " + s1 + " " + run_file.string() + " -o " + out.string());
  CHECK(not_shard.code == 2);
  CHECK(not_shard.err.find(run_file.string() + ": a run file, not a shard file") != std::string::npos);

  CHECK_FALSE(leftovers(temp_dir(), "refused.h5"));

  // The merged file is an output as any: never one of the shards, an existing one only with --force.
  const Out onto_shard = innosim("merge " + s1 + " " + s2 + " " + s3 + " -q -o " + s2);
  CHECK(onto_shard.code == 2);
  CHECK(onto_shard.err.find(s2 + ": it is one of this command's inputs (" + s2 + ")") != std::string::npos);
  REQUIRE(innosim("merge " + s1 + " " + s2 + " " + s3 + " -q -o " + out.string()).code == 0);
  const Out exists = innosim("merge " + s1 + " " + s2 + " " + s3 + " -q -o " + out.string());
  CHECK(exists.code == 2);
  CHECK(exists.err.find("the file exists; use --force to replace it") != std::string::npos);
  CHECK(innosim("merge " + s1 + " " + s2 + " " + s3 + " -q --force -o " + out.string()).code == 0);

  // A shard's file likewise.
  const Out shard_exists = innosim("run " + exp + " -q --shard 1/3 -o " + s1);
  CHECK(shard_exists.code == 2);
  CHECK(shard_exists.err.find("the file exists; use --force to replace it") != std::string::npos);

  CHECK(innosim("run " + exp + " --shard 5/3").code == 2);
  CHECK(innosim("run " + exp + " --shard 9/9 -n 1000").err.find("too few for 9 shards (at most 4)") !=
        std::string::npos);
}

TEST_CASE("a run killed with SIGKILL resumes from its checkpoint to the uninterrupted file", "[e2e][checkpoint]") {
  const fs::path& ref = reference_long();
  const fs::path out = temp_dir() / "killed.h5", ckpt = temp_dir() / "killed.h5.ckpt";
  // A checkpoint after every block; killed right after logging block 10, so
  // the log holds one block more than the last checkpoint (9 blocks).
  const std::vector<std::string> args = {"run", data("long.toml"), "-n", kDraws, "-q", "--threads", "2",
                                         "--block-tiles", "4", "--checkpoint-every", "1e-9", "-o", out.string()};
  const int status = run_with_fault(args, "10:KILL", temp_dir() / "killed.err");
  INFO(slurp(temp_dir() / "killed.err"));
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  REQUIRE_FALSE(fs::exists(out));
  REQUIRE(fs::exists(ckpt / "state.h5"));
  CHECK(leftovers(temp_dir(), "killed.h5.tmp"));  // what SIGKILL leaves behind
  {
    // The log keeps what the file keeps: at the default store level not the
    // parameter values (its header's first count; --resume draws them again).
    std::ifstream log(ckpt / "draws.log", std::ios::binary);
    char magic[16];
    std::uint64_t layout[2] = {1, 0};
    log.read(magic, sizeof magic);
    log.read(reinterpret_cast<char*>(layout), sizeof layout);
    REQUIRE(log.good());
    CHECK(std::string(magic, sizeof magic) == "innosim-drawlog1");
    CHECK(layout[0] == 0);  // parameter values per draw
    CHECK(layout[1] == 2);  // target values per draw (long.toml's targets)
  }

  // Not resumed by accident, nor by another run: another seed, another
  // scenario, another program version; each named.
  const std::string cmd = "run " + data("long.toml") + " -n " + kDraws + " -q -o " + out.string();
  const Out again = innosim(cmd);
  CHECK(again.code == 2);
  CHECK(again.err.find("holds a checkpoint of an interrupted run (9216 of 100000 draws done)") != std::string::npos);
  const Out other = innosim(cmd + " --resume --seed 12");
  CHECK(other.code == 2);
  CHECK(other.err.find("a checkpoint of another run, not resumed: seed 11 where the run has 12") != std::string::npos);
  const Out scenario = innosim("run " + data("exp.toml") + " -n " + kDraws + " -q --resume -o " + out.string());
  CHECK(scenario.code == 2);
  CHECK(scenario.err.find("not resumed: scenario 'long'") != std::string::npos);
  CHECK(scenario.err.find("where the run has 'exp-e2e'") != std::string::npos);
  const fs::path copy = temp_dir() / "other-version.h5", copy_ckpt = temp_dir() / "other-version.h5.ckpt";
  fs::copy(ckpt, copy_ckpt);
  // Another program's checkpoint, sealed as that program would have.
  REQUIRE(python("import sys, h5py; sys.path.insert(0, \"" + std::string(INNOSIM_SOURCE_DIR) +
                 "/tools\"); from innosim_report import integrity\n"
                 "with h5py.File(\"" + (copy_ckpt / "state.h5").string() +
                 "\", \"r+\") as f:\n    f.attrs[\"git_sha\"] = \"0123abc\"; integrity.seal(f)") == 0);
  const Out version = innosim("run " + data("long.toml") + " -n " + kDraws + " -q --resume -o " + copy.string());
  CHECK(version.code == 2);
  CHECK(version.err.find("not resumed: program innosim") != std::string::npos);
  CHECK(version.err.find("(0123abc) where the run has innosim") != std::string::npos);
  CHECK(fs::exists(ckpt / "state.h5"));

  const Out resumed = innosim(cmd + " --resume --threads 3");
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(resumed.err.find("resuming from " + ckpt.string() + ": 9216 of 100000 draws done") != std::string::npos);
  CHECK(same_numbers(ref, out) == 0);
  CHECK_FALSE(fs::exists(ckpt));                      // a finished run leaves no checkpoint
  CHECK_FALSE(leftovers(temp_dir(), "killed.h5.tmp"));  // nor the killed run's temporary file
}

TEST_CASE("a damaged checkpoint is refused by --resume", "[e2e][checkpoint][bad-input]") {
  const fs::path out = temp_dir() / "damaged.h5", ckpt = temp_dir() / "damaged.h5.ckpt";
  const std::vector<std::string> args = {"run", data("long.toml"), "-n", kDraws, "-q", "--threads", "2",
                                         "--block-tiles", "4", "--checkpoint-every", "1e-9", "-o", out.string()};
  const int status = run_with_fault(args, "10:KILL", temp_dir() / "damaged.err");
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(fs::exists(ckpt / "state.h5"));
  const std::string resume = "run " + data("long.toml") + " -n " + kDraws + " -q --resume -o " + out.string();
  const fs::path saved = temp_dir() / "damaged-saved.ckpt";
  fs::copy(ckpt, saved);

  // One byte of the draw log the checkpoint covers (a draw's value): its checksum in state.h5 does not match.
  {
    std::fstream log(ckpt / "draws.log", std::ios::in | std::ios::out | std::ios::binary);
    log.seekg(4096);
    char c = 0;
    log.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);
    log.seekp(4096);
    log.write(&c, 1);
  }
  const Out log = innosim(resume);
  CHECK(log.code == 2);
  CHECK(log.err.find("draws.log: its bytes do not match the checksum in state.h5; the checkpoint is damaged") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(leftovers(temp_dir(), "damaged.h5.tmp"));
  CHECK(fs::exists(ckpt / "state.h5"));  // kept, for the user to look at or remove

  // A value of state.h5 changed without its checksums: refused by name.
  fs::remove_all(ckpt);
  fs::copy(saved, ckpt);
  REQUIRE(python("import h5py; h5py.File(\"" + (ckpt / "state.h5").string() +
                 "\", \"r+\").attrs[\"done_end\"] = 1024") == 0);
  const Out state = innosim(resume);
  CHECK(state.code == 2);
  CHECK(state.err.find((ckpt / "state.h5").string() + ": /: damaged: its content does not match its checksum") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(out));

  // Undamaged, it resumes.
  fs::remove_all(ckpt);
  fs::copy(saved, ckpt);
  const Out ok = innosim(resume);
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(same_numbers(reference_long(), out) == 0);
}

TEST_CASE("a shard stopped by Ctrl-C keeps its checkpoint, resumes, and merges into the single run", "[e2e][checkpoint][shard]") {
  const fs::path& ref = reference_long();
  const fs::path s1 = temp_dir() / "ctrlc-1.h5", s2 = temp_dir() / "ctrlc-2.h5";
  // Ctrl-C right after block 5; the run stops there and saves all it did.
  const std::vector<std::string> args = {"run", data("long.toml"), "-n", kDraws, "-q", "--shard", "2/2",
                                         "--block-tiles", "4", "--checkpoint-every", "1e-9", "-o", s2.string()};
  const fs::path err = temp_dir() / "ctrlc.err";
  const int status = run_with_fault(args, "5:INT", err);
  INFO(slurp(err));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(slurp(err).find("interrupted; the 5120 draws done are saved in " + s2.string() + ".ckpt") !=
        std::string::npos);
  REQUIRE_FALSE(fs::exists(s2));
  CHECK_FALSE(leftovers(temp_dir(), "ctrlc-2.h5.tmp"));

  const Out resumed = innosim("run " + data("long.toml") + " -n " + kDraws + " -q --shard 2/2 --resume -o " +
                              s2.string());
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(resumed.err.find("5120 of 50080 draws done") != std::string::npos);
  REQUIRE(innosim("run " + data("long.toml") + " -n " + kDraws + " -q --shard 1/2 -o " + s1.string()).code == 0);
  const fs::path merged = temp_dir() / "ctrlc-merged.h5";
  REQUIRE(innosim("merge " + s1.string() + " " + s2.string() + " -q -o " + merged.string()).code == 0);
  CHECK(same_numbers(ref, merged) == 0);
}

TEST_CASE("a run whose checkpoint folder another process holds is refused", "[e2e][checkpoint]") {
  const fs::path out = temp_dir() / "locked.h5", ckpt = temp_dir() / "locked.h5.ckpt";
  fs::create_directories(ckpt);
  const int fd = ::open((ckpt / "lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);  // as a running innosim holds it
  const Out r = innosim("run " + data("exp.toml") + " -q -o " + out.string());
  ::close(fd);
  CHECK(r.code != 0);
  CHECK(r.err.find(ckpt.string() + ": another innosim process is writing this checkpoint") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "locked.h5.tmp"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("a malformed INNOSIM_FAULT_AFTER is refused before the run", "[e2e][checkpoint][bad-input]") {
  const fs::path out = temp_dir() / "fault.h5";
  const Out r = innosim("run " + data("exp.toml") + " -q -o " + out.string(), "INNOSIM_FAULT_AFTER=0:KILL");
  CHECK(r.code == 2);
  CHECK(r.err.find("INNOSIM_FAULT_AFTER='0:KILL': expected COUNT:SIGNAL") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "fault.h5"));
}

TEST_CASE("sweep shards 1/1, 2 and 3 merged equal the single-process sweep bit for bit", "[e2e][shard][sweep]") {
  const std::string sweep = "sweep " + data("sweep.toml") + " --lever extra_growth --scale 0,0.5,1,2,4 -n 1000 -q";
  const fs::path single = temp_dir() / "sweep-single.h5";
  const Out s = innosim(sweep + " --threads 2 --format csv -o " + single.string());
  INFO(s.err);
  REQUIRE(s.code == 0);
  for (int K = 1; K <= 3; ++K) {
    std::string files;
    for (int k = 1; k <= K; ++k) {
      const fs::path part = temp_dir() / ("sweep-part-" + std::to_string(k) + "-of-" + std::to_string(K) + ".h5");
      const Out p = innosim(sweep + " --threads " + std::to_string(k) + " --shard " + std::to_string(k) + "/" +
                            std::to_string(K) + " -o " + part.string());
      INFO(p.err);
      REQUIRE(p.code == 0);
      CHECK(p.out.empty());  // a shard prints no table
      files = part.string() + " " + files;  // any order
    }
    const fs::path merged = temp_dir() / ("sweep-merged-" + std::to_string(K) + ".h5");
    const Out m = innosim("merge " + files + "--format csv -q -o " + merged.string());
    CAPTURE(K);
    INFO(m.err);
    REQUIRE(m.code == 0);
    CHECK(m.out == s.out);  // the same sweep table
    CHECK(same_numbers(single, merged) == 0);
  }

  // Refused, named: a missing shard, a shard given twice, a shard of another sweep.
  const std::string p1 = (temp_dir() / "sweep-part-1-of-3.h5").string(), p2 = (temp_dir() / "sweep-part-2-of-3.h5").string(),
                    p3 = (temp_dir() / "sweep-part-3-of-3.h5").string();
  const fs::path out = temp_dir() / "sweep-refused.h5";
  const Out missing = innosim("merge " + p1 + " " + p3 + " -o " + out.string());
  CHECK(missing.code == 2);
  CHECK(missing.err.find("shard 2/3 of the sweep of") != std::string::npos);
  const Out twice = innosim("merge " + p1 + " " + p2 + " " + p2 + " " + p3 + " -o " + out.string());
  CHECK(twice.code == 2);
  CHECK(twice.err.find("shard 2/3 given 2 times") != std::string::npos);
  const fs::path other = temp_dir() / "sweep-other-seed.h5";
  REQUIRE(innosim(sweep + " --seed 12 --shard 2/3 -o " + other.string()).code == 0);
  const Out seed = innosim("merge " + p1 + " " + other.string() + " " + p3 + " -o " + out.string());
  CHECK(seed.code == 2);
  CHECK(seed.err.find(other.string() + ": a shard of another sweep (seed 12 where the sweep has 11)") !=
        std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "sweep-refused.h5"));
  CHECK(innosim(sweep + " --shard 6/6 -o " + out.string()).err.find("a sweep of 5 factors makes at most 5 shards") !=
        std::string::npos);
}

TEST_CASE("design shards 1/1, 2 and 3 merged equal the single-process design bit for bit", "[e2e][shard][design]") {
  const std::string design =
      "design " + data("sweep.toml") + " --lever extra_growth=0.5:2 --points 5 --spacing log -n 700 -q";
  const fs::path single = temp_dir() / "design-single.h5";
  const Out s = innosim(design + " --threads 2 --format csv -o " + single.string());
  INFO(s.err);
  REQUIRE(s.code == 0);
  for (int K = 1; K <= 3; ++K) {
    std::string files;
    for (int k = 1; k <= K; ++k) {
      const fs::path part = temp_dir() / ("design-part-" + std::to_string(k) + "-of-" + std::to_string(K) + ".h5");
      const Out p = innosim(design + " --threads " + std::to_string(k) + " --shard " + std::to_string(k) + "/" +
                            std::to_string(K) + " -o " + part.string());
      INFO(p.err);
      REQUIRE(p.code == 0);
      CHECK(p.out.empty());  // a shard prints no table
      files = part.string() + " " + files;  // any order
    }
    const fs::path merged = temp_dir() / ("design-merged-" + std::to_string(K) + ".h5");
    const Out m = innosim("merge " + files + "--format csv -q -o " + merged.string());
    CAPTURE(K);
    INFO(m.err);
    REQUIRE(m.code == 0);
    CHECK(m.out == s.out);  // the same design table
    CHECK(same_numbers(single, merged) == 0);
  }

  // Refused, named: a missing shard, a shard given twice, a shard of another design.
  const std::string p1 = (temp_dir() / "design-part-1-of-3.h5").string(),
                    p2 = (temp_dir() / "design-part-2-of-3.h5").string(),
                    p3 = (temp_dir() / "design-part-3-of-3.h5").string();
  const fs::path out = temp_dir() / "design-refused.h5";
  const Out missing = innosim("merge " + p2 + " " + p3 + " -o " + out.string());
  CHECK(missing.code == 2);
  CHECK(missing.err.find("shard 1/3 of the design of") != std::string::npos);
  const Out twice = innosim("merge " + p1 + " " + p2 + " " + p3 + " " + p3 + " -o " + out.string());
  CHECK(twice.code == 2);
  CHECK(twice.err.find("shard 3/3 given 2 times") != std::string::npos);
  const fs::path other = temp_dir() / "design-other-seed.h5";
  REQUIRE(innosim(design + " --seed 12 --shard 2/3 -o " + other.string()).code == 0);
  const Out seed = innosim("merge " + p1 + " " + other.string() + " " + p3 + " -o " + out.string());
  CHECK(seed.code == 2);
  CHECK(seed.err.find(other.string() + ": a shard of another design (seed 12 where the design has 11)") !=
        std::string::npos);
  const fs::path run_shard = temp_dir() / "design-run-shard.h5";
  REQUIRE(innosim("run " + data("sweep.toml") + " -n 700 -q --shard 2/3 -o " + run_shard.string()).code == 0);
  const Out foreign = innosim("merge " + p1 + " " + run_shard.string() + " " + p3 + " -o " + out.string());
  CHECK(foreign.code == 2);
  CHECK(foreign.err.find(run_shard.string() + ": not an innosim design shard file") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "design-refused.h5"));
  CHECK(innosim(design + " --shard 6/5 -o " + out.string()).code == 2);
  CHECK(innosim(design + " --shard 6/6 -o " + out.string()).err.find("a design of 5 points makes at most 5 shards") !=
        std::string::npos);
}

TEST_CASE("a sweep killed with SIGKILL or stopped by Ctrl-C resumes to the uninterrupted sweep file", "[e2e][checkpoint][sweep]") {
  const std::string sweep = "sweep " + data("sweep.toml") + " --lever extra_growth --scale 0,0.5,1,2,4 -n 1000 -q";
  const fs::path single = temp_dir() / "resume-sweep-single.h5";
  const Out s = innosim(sweep + " --threads 2 --format csv --checkpoint-every 0 --force -o " + single.string());
  INFO(s.err);
  REQUIRE(s.code == 0);
  // One thread: the factors run one after another, so the fault comes after
  // the first `done` of them are saved.
  const auto [fault, done] = GENERATE(table<std::string, int>({{"2:KILL", 2}, {"3:INT", 3}}));
  CAPTURE(fault);
  const fs::path out = temp_dir() / ("resume-sweep-" + fault.substr(2) + ".h5"), ckpt = out.string() + ".ckpt";
  const std::vector<std::string> args = {"sweep", data("sweep.toml"), "--lever", "extra_growth", "--scale",
                                         "0,0.5,1,2,4", "-n", "1000", "-q", "--threads", "1", "-o", out.string()};
  const fs::path err = temp_dir() / "resume-sweep.err";
  const int status = run_with_fault(args, fault, err);
  INFO(slurp(err));
  if (fault == "2:KILL") {
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
  } else {
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 130);
    CHECK(slurp(err).find("interrupted; the 3 factors done are saved in " + ckpt.string()) != std::string::npos);
  }
  REQUIRE_FALSE(fs::exists(out));
  for (int i = 0; i < 5; ++i) CHECK(fs::exists(ckpt / ("factor-" + std::to_string(i) + ".h5")) == (i < done));

  const Out again = innosim(sweep + " -o " + out.string());
  CHECK(again.code == 2);
  CHECK(again.err.find("holds a checkpoint of an interrupted sweep (" + std::to_string(done) + " of 5 factors done)") !=
        std::string::npos);
  const Out other = innosim(sweep + " --seed 12 --resume -o " + out.string());
  CHECK(other.code == 2);
  CHECK(other.err.find("a checkpoint of another sweep, not resumed: seed 11 where the sweep has 12") !=
        std::string::npos);
  const Out factors = innosim("sweep " + data("sweep.toml") + " --lever extra_growth --scale 0,0.5,1,2,8 -n 1000 -q "
                              "--resume -o " + out.string());
  CHECK(factors.code == 2);
  CHECK(factors.err.find("factors 0,0.5,1,2,4 where the sweep has 0,0.5,1,2,8") != std::string::npos);

  const Out resumed = innosim(sweep + " --threads 2 --resume --format csv -o " + out.string());
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(resumed.err.find(std::to_string(done) + " of 5 factors done") != std::string::npos);
  CHECK(resumed.out == s.out);
  CHECK(same_numbers(single, out) == 0);
  CHECK_FALSE(fs::exists(ckpt));
  CHECK_FALSE(leftovers(temp_dir(), out.filename().string() + ".tmp"));
}

TEST_CASE("a design killed with SIGKILL or stopped by Ctrl-C resumes to the uninterrupted design file",
          "[e2e][checkpoint][design]") {
  const std::string design =
      "design " + data("sweep.toml") + " --lever extra_growth=0.5:2 --points 5 --spacing log -n 700 -q";
  const fs::path single = temp_dir() / "resume-design-single.h5";
  const Out s = innosim(design + " --threads 2 --format csv --checkpoint-every 0 --force -o " + single.string());
  INFO(s.err);
  REQUIRE(s.code == 0);
  // One thread: the points run one after another, so the fault comes after
  // the first `done` of them are saved.
  const auto [fault, done] = GENERATE(table<std::string, int>({{"1:KILL", 1}, {"3:INT", 3}}));
  CAPTURE(fault);
  const fs::path out = temp_dir() / ("resume-design-" + fault.substr(2) + ".h5"), ckpt = out.string() + ".ckpt";
  const std::vector<std::string> args = {"design", data("sweep.toml"), "--lever", "extra_growth=0.5:2", "--points",
                                         "5", "--spacing", "log", "-n", "700", "-q", "--threads", "1", "-o",
                                         out.string()};
  const fs::path err = temp_dir() / "resume-design.err";
  const int status = run_with_fault(args, fault, err);
  INFO(slurp(err));
  if (fault == "1:KILL") {
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
  } else {
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 130);
    CHECK(slurp(err).find("interrupted; the 3 points done are saved in " + ckpt.string()) != std::string::npos);
  }
  REQUIRE_FALSE(fs::exists(out));
  for (int i = 0; i < 5; ++i) CHECK(fs::exists(ckpt / ("point-" + std::to_string(i) + ".h5")) == (i < done));

  const Out again = innosim(design + " -o " + out.string());
  CHECK(again.code == 2);
  CHECK(again.err.find("holds a checkpoint of an interrupted design (" + std::to_string(done) + " of 5 points done)") !=
        std::string::npos);
  const Out other = innosim(design + " --seed 12 --resume -o " + out.string());
  CHECK(other.code == 2);
  CHECK(other.err.find("a checkpoint of another design, not resumed: seed 11 where the design has 12") !=
        std::string::npos);
  const Out levers = innosim("design " + data("sweep.toml") + " --lever extra_growth=0.5:4 --points 5 --spacing log "
                             "-n 700 -q --resume -o " + out.string());
  CHECK(levers.code == 2);
  CHECK(levers.err.find("levers extra_growth=0.5:2 where the design has extra_growth=0.5:4") != std::string::npos);

  const Out resumed = innosim(design + " --threads 2 --resume --format csv -o " + out.string());
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(resumed.err.find(std::to_string(done) + " of 5 points done") != std::string::npos);
  CHECK(resumed.out == s.out);
  CHECK(same_numbers(single, out) == 0);
  CHECK_FALSE(fs::exists(ckpt));
  CHECK_FALSE(leftovers(temp_dir(), out.filename().string() + ".tmp"));
}

TEST_CASE("with an innovation index: a killed or stopped run resumes, a merge refuses a shard without the index's counts",
          "[e2e][shard][checkpoint][index]") {
  // The shipped plan (its index ranks five regions): 12 blocks of one tile,
  // a checkpoint after each, killed right after logging block 5.
  const fs::path ref = temp_dir() / "index-ref.h5", out = temp_dir() / "index-killed.h5";
  const std::string cmd = "run " + plan() + " -n 3072 -q --block-tiles 1 -o ";
  REQUIRE(innosim(cmd + ref.string() + " --checkpoint-every 0").code == 0);
  const std::vector<std::string> args = {"run", plan(), "-n", "3072", "-q", "--threads", "2", "--block-tiles", "1",
                                         "--checkpoint-every", "1e-9", "-o", out.string()};
  const int status = run_with_fault(args, "5:KILL", temp_dir() / "index-killed.err");
  INFO(slurp(temp_dir() / "index-killed.err"));
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(fs::exists(out.string() + ".ckpt/state.h5"));
  REQUIRE(python("import h5py, sys; g = h5py.File(\"" + out.string() +
                 ".ckpt/state.h5\", \"r\")[\"state/accumulators/innovation_index\"]; "
                 "sys.exit(0 if 0 < g[\"draws\"][0] < 3072 else 1)") == 0);
  const Out resumed = innosim(cmd + out.string() + " --resume --threads 3");
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(resumed.err.find("resuming from") != std::string::npos);
  CHECK(same_numbers(ref, out) == 0);

  // Ctrl-C: the counts of every draw done are saved (the threads' parts are
  // merged when the run stops), and the resumed shard merges into the run.
  const fs::path s1 = temp_dir() / "index-ctrlc-1.h5", s2 = temp_dir() / "index-ctrlc-2.h5";
  const int stopped = run_with_fault({"run", plan(), "-n", "3072", "-q", "--shard", "2/2", "--block-tiles", "1",
                                      "--checkpoint-every", "1e-9", "-o", s2.string()},
                                     "3:INT", temp_dir() / "index-ctrlc.err");
  INFO(slurp(temp_dir() / "index-ctrlc.err"));
  REQUIRE(WIFEXITED(stopped));
  REQUIRE(WEXITSTATUS(stopped) == 130);
  REQUIRE(innosim("run " + plan() + " -n 3072 -q --shard 2/2 --resume -o " + s2.string()).code == 0);
  REQUIRE(innosim("run " + plan() + " -n 3072 -q --shard 1/2 -o " + s1.string()).code == 0);
  const fs::path ctrlc = temp_dir() / "index-ctrlc-merged.h5";
  REQUIRE(innosim("merge " + s1.string() + " " + s2.string() + " -q -o " + ctrlc.string()).code == 0);
  CHECK(same_numbers(ref, ctrlc) == 0);

  // A merge needs every shard's index counts: one without them (here
  // removed) is refused by name, and so is a shard of the scenario without
  // its [index] (another scenario).
  const std::string indexed = index_scenario().string();
  auto shard = [&](const std::string& scenario, const std::string& k, const std::string& name) {
    const fs::path p = temp_dir() / ("index-" + name + ".h5");
    REQUIRE(innosim("run " + scenario + " -q --shard " + k + " -o " + p.string()).code == 0);
    return p.string();
  };
  const std::string first = shard(indexed, "1/2", "1"), second = shard(indexed, "2/2", "2");
  const std::string plain = shard(data("exp.toml"), "2/2", "plain");
  const fs::path merged = temp_dir() / "index-merged.h5";
  const Out foreign = innosim("merge " + first + " " + plain + " -o " + merged.string());
  CHECK(foreign.code == 2);
  CHECK(foreign.err.find(plain + ": a shard of another run (scenario 'exp-e2e'") != std::string::npos);
  // (Sealed again, as a program that wrote no index counts would have: the reader's check, not the checksums.)
  REQUIRE(python("import sys, h5py; sys.path.insert(0, \"" + std::string(INNOSIM_SOURCE_DIR) +
                 "/tools\"); from innosim_report import integrity\n"
                 "with h5py.File(\"" + second + "\", \"r+\") as f:\n"
                 "    del f[\"shard/state/accumulators/innovation_index\"]; integrity.seal(f)") == 0);
  const Out lacking = innosim("merge " + first + " " + second + " -o " + merged.string());
  CHECK(lacking.code == 2);
  CHECK(lacking.err.find(second + ": /shard/state/accumulators/innovation_index: missing") != std::string::npos);
  CHECK_FALSE(fs::exists(merged));
  CHECK_FALSE(leftovers(temp_dir(), "index-merged.h5"));

  // innosim slurm takes a scenario with an index.
  const Out slurm = innosim("slurm " + plan() + " --shards 2 -n 512 --dry-run --workdir " +
                            (temp_dir() / "index-slurm").string() + " -o " + merged.string());
  INFO(slurm.err);
  CHECK(slurm.code == 0);
}

TEST_CASE("slurm checks its outputs: the merged file, and a work folder of an earlier job", "[e2e][shard][bad-input]") {
  const std::string exp = data("exp.toml");
  const fs::path out = temp_dir() / "slurm-out.h5", work = temp_dir() / "slurm-work";
  const std::string cmd = "slurm " + exp + " --shards 2 -n 1024 --dry-run --workdir " + work.string() + " -o " +
                          out.string();
  const Out first = innosim(cmd);
  INFO(first.err);
  REQUIRE(first.code == 0);
  CHECK(fs::exists(work / "shard.sh"));
  CHECK(slurp(work / "shard.sh").find("--resume --force -o") != std::string::npos);  // its own shard files
  CHECK(slurp(work / "merge.sh").find(" --force") == std::string::npos);            // the output: as the user said

  const Out again = innosim(cmd);
  CHECK(again.code == 2);
  CHECK(again.err.find(work.string() + ": holds job.conf of an earlier job; continue it with innosim slurm "
                       "--resubmit") != std::string::npos);
  const Out forced = innosim(cmd + " --force");
  INFO(forced.err);
  CHECK(forced.code == 0);
  CHECK(slurp(work / "merge.sh").find(" --force") != std::string::npos);

  std::ofstream(out) << "an earlier result";
  const Out exists = innosim("slurm " + exp + " --shards 2 -n 1024 --dry-run --workdir " +
                             (temp_dir() / "slurm-work2").string() + " -o " + out.string());
  CHECK(exists.code == 2);
  CHECK(exists.err.find(out.string() + ": the file exists; use --force to replace it") != std::string::npos);
  CHECK_FALSE(fs::exists(temp_dir() / "slurm-work2"));
  const Out onto_scenario = innosim("slurm " + exp + " --shards 2 -n 1024 --dry-run --force --workdir " +
                                    (temp_dir() / "slurm-work3").string() + " -o " + exp);
  CHECK(onto_scenario.code == 2);
  CHECK(onto_scenario.err.find("it is one of this command's inputs") != std::string::npos);
}
