#pragma once
// Checkpoints of the commands that run points (sweep factors, design points):
// OUT.ckpt/<noun>-<i>.h5 for each point i finished, each the shard file
// (i+1)/V that `--shard i+1/V` would write (V points), saved as the point
// finishes. --resume reads them back (refusing those of another sweep or
// design, with the reason) and the command runs the other points.

#include <cstddef>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checkpointing.hpp"
#include "innosim/outputs/checkpoint.hpp"   // checkpoint_dir
#include "innosim/outputs/temp_files.hpp"  // remove_stale_temp_files
#include "problems.hpp"

namespace innosim::app {

// F: a SweepShardFile or DesignShardFile (has part.first_point).
template <class F>
class PointCheckpoints {
 public:
  struct Kind {
    const char* noun;   // one point: "factor", "point"
    const char* whole;  // "sweep", "design"
    F (*read)(const std::string&);
    std::vector<std::string> (*differences)(const F&, const F&);
  };

  // `whole` describes this command's run (its part: point i of V as a
  // checkpoint file has it, but for first_point); `points` = V.
  PointCheckpoints(const std::string& output, const CheckpointArgs& a, std::size_t points, const F& whole, Kind kind)
      : dir_(checkpoint_dir(output)), on_(a.every > 0), points_(points), kind_(kind) {
    const std::vector<std::string> files = saved_files();
    if (!files.empty() && !(a.resume && on_))
      throw BadInput(fmt::format("{} holds a checkpoint of an interrupted {} ({} of {} {}s done); continue it "
                                 "with --resume, or remove the folder to start over",
                                 dir_, kind_.whole, files.size(), points_, kind_.noun));
    if (a.resume && !on_) throw BadInput("--resume needs checkpoints; drop --checkpoint-every 0");
    if (!a.resume) return;
    if (files.empty()) {
      std::cerr << fmt::format("innosim: no checkpoint in {}; starting from the first {}\n", dir_, kind_.noun);
      return;
    }
    for (const std::string& f : files) {
      F saved;
      try {
        saved = kind_.read(f);
      } catch (const std::exception& e) {
        throw BadInput(std::string(e.what()) + "; remove " + dir_ + " to start over");
      }
      const std::vector<std::string> why = kind_.differences(saved, whole);
      if (!why.empty())
        throw BadInput(fmt::format("{}: a checkpoint of another {}, not resumed: {}; run the command that made it "
                                   "with --resume, or remove the folder to start this one over",
                                   f, kind_.whole, fmt::join(why, "; ")));
      const std::size_t i = saved.part.first_point;
      saved_.emplace(i, std::move(saved));
      remove_stale_temp_files(f);
    }
    for (std::size_t i = 0; i < points_; ++i) remove_stale_temp_files(point_file(i));
    std::cerr << fmt::format("innosim: resuming from {}: {} of {} {}s done\n", dir_, saved_.size(), points_,
                             kind_.noun);
  }

  // The file saved for point i (of the whole), or null.
  const F* saved(std::size_t i) const {
    const auto it = saved_.find(i);
    return it == saved_.end() ? nullptr : &it->second;
  }
  // Point i finished: write(path) writes its file, when checkpoints are on.
  template <class Write>
  void save(std::size_t i, Write&& write) {
    if (!on_) return;
    std::filesystem::create_directories(dir_);
    write(point_file(i));
    fault_.recorded();
  }
  // Interrupted: the message; the folder stays when it holds a point.
  std::string interrupted() {
    if (const std::size_t n = saved_files().size(); on_ && n > 0)
      return fmt::format("interrupted; the {} {}s done are saved in {}: continue with the same command and --resume",
                         n, kind_.noun, dir_);
    discard();
    return "interrupted; no output written";
  }
  // Finished or failed for good: no checkpoint is left.
  void discard() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::string point_file(std::size_t i) const { return fmt::format("{}/{}-{}.h5", dir_, kind_.noun, i); }
  std::vector<std::string> saved_files() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < points_; ++i)
      if (std::filesystem::exists(point_file(i))) out.push_back(point_file(i));
    return out;
  }
  std::string dir_;
  bool on_;
  std::size_t points_;
  Kind kind_;
  std::map<std::size_t, F> saved_;
  FaultInjection fault_;
};

}  // namespace innosim::app
