#include "innosim/run/run_state.hpp"

#include <stdexcept>
#include <string>

namespace innosim {

std::uint64_t tile_count(std::uint64_t draws) { return (draws + kTileDraws - 1) / kTileDraws; }

DrawRange shard_range(std::uint64_t draws, unsigned shard, unsigned shards) {
  const std::uint64_t tiles = tile_count(draws);
  if (shards == 0 || shard == 0 || shard > shards)
    throw std::invalid_argument("shard " + std::to_string(shard) + "/" + std::to_string(shards) +
                                ": expected k/K with 1 <= k <= K");
  if (shards > tiles)
    throw std::invalid_argument(std::to_string(draws) + " draws make " + std::to_string(tiles) + " tile" +
                                (tiles == 1 ? "" : "s") + " of " + std::to_string(kTileDraws) +
                                " draws, too few for " + std::to_string(shards) + " shards (at most " +
                                std::to_string(tiles) + ")");
  const auto tile_first = [&](std::uint64_t k) { return k * tiles / shards; };
  return {std::min(draws, tile_first(shard - 1) * kTileDraws), std::min(draws, tile_first(shard) * kTileDraws)};
}

void DrawAccumulator::save(StateOut&) const {
  throw std::logic_error("DrawAccumulator::save: an accumulator without a name is not saved");
}

void DrawAccumulator::add_saved(const StateIn&) {
  throw std::logic_error("DrawAccumulator::add_saved: an accumulator without a name is not saved");
}

RunState::RunState(std::uint64_t first, std::size_t series, const std::vector<Target>& targets)
    : range{first, first}, moments(series), sketch(series) {
  accumulators.push_back(std::make_unique<JointAccumulator>(targets));
}

const StateAccumulator* RunState::accumulator(const std::string& name) const {
  for (const auto& a : accumulators)
    if (a->name() == name) return a.get();
  return nullptr;
}

const JointAccumulator& RunState::joint() const {
  return dynamic_cast<const JointAccumulator&>(*accumulators.front());
}

void RunState::save(StateOut& out) const {
  const std::uint64_t range_v[2] = {range.first, range.end};
  out.put_u64("range", range_v);
  moments.save(*out.group("moments"));
  sketch.save(*out.group("sketch"));
  out.put_u64("dropped", dropped);
  auto acc = out.group("accumulators");
  for (const auto& a : accumulators) a->save(*acc->group(a->name()));
  for (const DrawAccumulator* a : draw_accumulators) a->save(*acc->group(a->name()));
}

void RunState::load(const StateIn& in) {
  const auto r = in.u64("range", 2);
  if (r[1] < r[0]) throw StateError(in.where("range") + ": ends before it starts");
  range = {r[0], r[1]};
  moments.load(*in.group("moments"));
  sketch.load(*in.group("sketch"));
  dropped = in.u64("dropped");
  for (std::size_t i = 0; i < dropped.size(); ++i)
    if (dropped[i] < range.first || dropped[i] >= range.end || (i > 0 && dropped[i] <= dropped[i - 1]))
      throw StateError(in.where("dropped") + ": draw indices outside the range or out of order");
  const auto acc = in.group("accumulators");
  for (const auto& a : accumulators) {
    if (!acc->has(a->name()))
      throw StateError(acc->where(a->name()) + ": missing (the file was written without this accumulator)");
    a->load(*acc->group(a->name()));
  }
  for (DrawAccumulator* a : draw_accumulators) {
    if (!acc->has(a->name()))
      throw StateError(acc->where(a->name()) + ": missing (the file was written without this accumulator)");
    a->add_saved(*acc->group(a->name()));
  }
}

void append_state(RunState& earlier, const RunState& later, const TileSource& tiles) {
  if (later.range.first != earlier.range.end)
    throw std::invalid_argument("append_state: draws " + std::to_string(later.range.first) + ".. do not follow draws .." +
                                std::to_string(earlier.range.end));
  if (later.accumulators.size() != earlier.accumulators.size())
    throw std::invalid_argument("append_state: the states hold different accumulators");
  if (earlier.moments.count() == 0) {
    // Folding onto nothing: the first non-empty tile is taken as it is, so
    // later's own fold is the fold of both.
    earlier.moments = later.moments;
  } else {
    Moments tile(later.moments.series());
    while (tiles(tile)) earlier.moments.merge(tile);
    earlier.moments.merge_extremes(later.moments);
  }
  earlier.sketch.merge(later.sketch);
  earlier.dropped.insert(earlier.dropped.end(), later.dropped.begin(), later.dropped.end());
  for (std::size_t i = 0; i < earlier.accumulators.size(); ++i)
    earlier.accumulators[i]->append(*later.accumulators[i]);
  earlier.range.end = later.range.end;
}

}  // namespace innosim
