#pragma once
// The state a run has built from a range of its draws: what a shard file or a
// checkpoint holds besides the per-draw values, and what merges back, in draw
// order, into exactly the single-process result.
//
// Draws are cut into tiles of kTileDraws; a range is tile-aligned (it starts
// on a tile boundary and ends on one or at the last draw). The state of a
// range [first, end) holds
//   - the moments of its tiles folded in tile order (Chan's formula);
//   - the quantile sketch of its valid draws (integer counts);
//   - the draws it dropped (InvalidDraws::drop);
//   - its accumulators: the joint target counts;
//   - the counts of the run's saved draw accumulators (the innovation index;
//     draw_accumulator.hpp), which it points to but does not own.
// Chan's formula is not associative in floating point, so the fold of a later
// range cannot be added to an earlier one: a range that does not start at
// draw 0 also hands out each tile's moments (DrawSink::write_tiles), and the
// merge folds those, in tile order, onto the earlier fold. The integer parts
// simply add up: the draw accumulators' counts are added straight into the
// one accumulator each state of a merge points to, as each is loaded.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "innosim/run/aggregate.hpp"
#include "innosim/run/draw_accumulator.hpp"
#include "innosim/run/state_accumulator.hpp"
#include "innosim/run/targets.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// Draws [first, end) of a run.
struct DrawRange {
  std::uint64_t first = 0, end = 0;
  std::uint64_t size() const { return end - first; }
  bool operator==(const DrawRange&) const = default;
};

// The tiles of `draws` draws, split into `shards` ranges as evenly as
// possible; shard k (1-based) gets tiles [(k-1)T/K, kT/K). Throws
// std::invalid_argument when k is not in 1..K or K exceeds the tiles.
DrawRange shard_range(std::uint64_t draws, unsigned shard, unsigned shards);
std::uint64_t tile_count(std::uint64_t draws);

struct RunState {
  DrawRange range;                      // the draws it covers (first == end: none yet)
  Moments moments;                      // fold of the range's tiles, in tile order
  QuantileSketch sketch;
  std::vector<std::uint64_t> dropped;   // dropped draws, ascending
  std::vector<std::unique_ptr<StateAccumulator>> accumulators;  // "joint" first
  // The saved draw accumulators (a name()) whose counts cover this state's
  // draws; not owned. The pipeline sets them (RunOptions::accumulators).
  std::vector<DrawAccumulator*> draw_accumulators;

  RunState() = default;
  // Empty, at `first`, with `series` moment series and the joint target
  // counts of `targets`.
  RunState(std::uint64_t first, std::size_t series, const std::vector<Target>& targets);
  RunState(RunState&&) = default;
  RunState& operator=(RunState&&) = default;

  std::uint64_t valid() const { return range.size() - dropped.size(); }
  // The accumulator named `name`, or nullptr.
  const StateAccumulator* accumulator(const std::string& name) const;
  const JointAccumulator& joint() const;

  // Everything but the per-tile moments (those travel with the per-draw values).
  void save(StateOut& out) const;
  // Into a state made with the same sizes and accumulators; adds the saved
  // counts of the draw accumulators to those of draw_accumulators (set them
  // first). Throws StateError, naming what the file lacks.
  void load(const StateIn& in);
};

// Reads the tile moments of a range, in tile order: fills `tile` and returns
// true, or returns false after the last.
using TileSource = std::function<bool(Moments& tile)>;

// earlier := earlier followed by `later`, the state of the draws right after
// it (their draw accumulators are not touched: later's counts were added to
// them when it was loaded). `tiles` gives later's tile moments (not read when earlier has no valid
// draw yet: later's own fold is then the answer). Bit for bit equal to one
// state built over both ranges. Throws std::invalid_argument when the ranges
// do not meet.
void append_state(RunState& earlier, const RunState& later, const TileSource& tiles);

}  // namespace innosim
