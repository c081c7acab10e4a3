#pragma once
// A statistic of every valid draw's whole output (all years, indicators and
// regions), computed where the draw is simulated: in the pipeline's
// parallel stage, one Part per worker thread, merged after the last draw.
// Statistics that need each draw's values jointly across regions or
// indicators (ranks of a composite index, say) belong here; the pipeline's
// own summaries see one series at a time.
//
// Which thread simulates which draw, and the order in which parts are
// merged, vary from run to run: a Part must keep only statistics whose merge
// is exact and order-free — integer counts — so that results stay
// bit-identical for any thread count. The counts are also what a sharded
// run adds across shards.
//
// An accumulator with a name() travels with the run's state (run_state.hpp):
// its counts are saved in shard files and checkpoints under that name, added
// back on resume and at a merge. The pipeline merges its threads' parts
// into it at the end of every pass (before each checkpoint), so its counts
// always cover exactly the draws of the run state. One without a name (the
// default) is kept in memory only.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace innosim {

class StateOut;
class StateIn;

class DrawAccumulator {
 public:
  // One worker thread's share of the draws.
  class Part {
   public:
    virtual ~Part() = default;
    // One valid draw. `out` is [years + 1][indicator][region, then zone], as
    // DrawSimulator writes it: row 0 is horizon.start, row y is start + y.
    virtual void add(std::uint64_t draw, std::span<const double> out) = 0;
  };

  virtual ~DrawAccumulator() = default;
  // A fresh, empty part (called once per worker thread).
  virtual std::unique_ptr<Part> make_part() const = 0;
  // Adds a part's counts to this accumulator's; called for every part at the
  // end of each pass of the run (not after a failed one), in no particular
  // order; the part is then replaced by a fresh one.
  virtual void merge(const Part& part) = 0;

  // Saved with the run's state under this name; empty (the default): not saved.
  virtual std::string name() const { return {}; }
  // The counts merged so far (only called when name() is not empty).
  virtual void save(StateOut& out) const;
  // Adds saved counts (of other draws of the same run) to this one's; throws
  // StateError when their sizes differ.
  virtual void add_saved(const StateIn& in);
};

}  // namespace innosim
