// Runs cut into ranges of draws (shards) or interrupted and resumed from a
// checkpoint merge into exactly the single run: run_state.hpp.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <memory>

#include "exp_scenario.hpp"
#include "innosim/models/exp_growth.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/run/runner.hpp"
#include "innosim/run/summarize.hpp"

using namespace innosim;
using innosim::test::exp_scenario;

namespace {

bool bit_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Keeps target values by draw index and every tile's moments, like a shard file.
class RangeSink : public DrawSink {
 public:
  RangeSink(std::size_t targets, std::size_t draws) : t_(targets), values_(targets, std::vector<double>(draws, -1.0)) {}
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double>, std::span<const double> tv,
                   std::span<const double>, std::span<const double>, std::span<const std::uint8_t>) override {
    for (std::size_t d = 0; d < count; ++d)
      for (std::size_t t = 0; t < t_; ++t) values_[t][first + d] = tv[d * t_ + t];
  }
  void write_tiles(std::uint64_t first_tile, std::span<const Moments> tiles) override {
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      Moments m = tiles[i];
      m.assign(m.count(), m.mean(), m.m2());  // as a file keeps them: no extremes
      tiles_[first_tile + i] = m;
    }
  }
  std::vector<double> target_values(std::size_t t) const override { return values_[t]; }
  // The tiles of draws [first, end), in order.
  TileSource tiles(DrawRange r) const {
    auto it = std::make_shared<std::map<std::uint64_t, Moments>::const_iterator>(tiles_.lower_bound(r.first / kTileDraws));
    const std::uint64_t last = tile_count(r.end);
    return [this, it, last](Moments& m) {
      if (*it == tiles_.end() || (*it)->first >= last) return false;
      m = (*it)->second;
      ++*it;
      return true;
    };
  }
  std::size_t t_;
  std::vector<std::vector<double>> values_;
  std::map<std::uint64_t, Moments> tiles_;
};

struct Setup {
  Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.02, 190.0);
  ExpGrowth model{s};
  std::size_t draws = 2000;  // 8 tiles, the last one short
  Sampler sampler{s, 7, draws};
  RunOptions options(unsigned threads, DrawRange range = {}) const {
    RunOptions o;
    o.draws = draws;
    o.seed = 7;
    o.threads = threads;
    o.block_tiles = 1;
    o.range = range;
    return o;
  }
};

// Saves to memory every `every` blocks; stops the run (as a crash would) at the `stop_at`-th save.
class EveryFewBlocks : public Checkpoints {
 public:
  EveryFewBlocks(int every, int stop_at, std::atomic<bool>& cancel) : every_(every), stop_at_(stop_at), cancel_(cancel) {}
  bool due() override { return ++asked_ % every_ == 0; }
  void save(const RunState& state) override {
    saved = std::make_unique<MemoryState>();
    state.save(*saved);
    saved_range = state.range;
    if (++saves_ == stop_at_) cancel_ = true;
  }
  std::unique_ptr<MemoryState> saved;
  DrawRange saved_range;

 private:
  int every_, stop_at_, asked_ = 0, saves_ = 0;
  std::atomic<bool>& cancel_;
};

}  // namespace

TEST_CASE("shard ranges are tile-aligned, in order and cover every draw", "[run][shard]") {
  for (const std::uint64_t draws : {1ull, 255ull, 256ull, 2000ull, 100000ull}) {
    for (unsigned K = 1; K <= std::min<std::uint64_t>(5, tile_count(draws)); ++K) {
      std::uint64_t next = 0;
      for (unsigned k = 1; k <= K; ++k) {
        const DrawRange r = shard_range(draws, k, K);
        CAPTURE(draws, K, k);
        CHECK(r.first == next);
        CHECK(r.first % kTileDraws == 0);
        CHECK(r.end > r.first);
        next = r.end;
      }
      CHECK(next == draws);
    }
  }
  CHECK_THROWS_WITH(shard_range(1000, 1, 5), Catch::Contains("too few for 5 shards (at most 4)"));
  CHECK_THROWS(shard_range(1000, 0, 2));
  CHECK_THROWS(shard_range(1000, 3, 2));
}

TEST_CASE("states saved and read back are equal, sketch and moments included", "[run][shard]") {
  Setup u;
  RangeSink sink(u.s.targets.size(), u.draws);
  RunOutcome r = run_monte_carlo(u.model, u.s, u.sampler, u.options(2), sink);
  MemoryState m;
  r.state.save(m);
  RunState back(0, r.state.moments.series(), u.s.targets);
  back.load(m);
  CHECK(back.range == r.state.range);
  CHECK(bit_equal(back.moments.mean(), r.state.moments.mean()));
  CHECK(bit_equal(back.moments.m2(), r.state.moments.m2()));
  const Summary a = make_summary(back.moments, back.sketch, kSummaryLevels);
  CHECK(bit_equal(a.quantiles, r.summary.quantiles));
  CHECK(back.joint().result().met_count_hist == r.table.joint.met_count_hist);
  // A state of other sizes is refused, naming the object.
  RunState other(0, 3, u.s.targets);
  CHECK_THROWS_AS(other.load(m), StateError);
}

TEST_CASE("shards 1/1, 2 and 3 merged in draw order equal the single run bit for bit", "[run][shard][determinism]") {
  Setup u;
  RangeSink single_sink(u.s.targets.size(), u.draws);
  const RunOutcome single = run_monte_carlo(u.model, u.s, u.sampler, u.options(1), single_sink);
  const unsigned K = GENERATE(1u, 2u, 3u);
  const unsigned threads = GENERATE(1u, 3u);
  CAPTURE(K, threads);
  RangeSink sink(u.s.targets.size(), u.draws);
  std::optional<RunState> merged;
  for (unsigned k = 1; k <= K; ++k) {
    RunOutcome part = run_monte_carlo(u.model, u.s, u.sampler, u.options(threads, shard_range(u.draws, k, K)), sink);
    REQUIRE(part.state.range == shard_range(u.draws, k, K));
    if (K > 1) CHECK(part.summary.mean.empty());  // only the whole run is summarised
    if (!merged)
      merged = std::move(part.state);
    else
      append_state(*merged, part.state, sink.tiles(part.state.range));
  }
  REQUIRE(merged->range == DrawRange{0, u.draws});
  Summary summary;
  TargetTable table;
  summarize_run(u.s, u.model.indicators(), *merged, sink, summary, table);
  CHECK(bit_equal(summary.mean, single.summary.mean));
  CHECK(bit_equal(summary.sd, single.summary.sd));
  CHECK(bit_equal(summary.min, single.summary.min));
  CHECK(bit_equal(summary.max, single.summary.max));
  CHECK(bit_equal(summary.quantiles, single.summary.quantiles));
  for (std::size_t t = 0; t < u.s.targets.size(); ++t) {
    CHECK(bit_equal(sink.values_[t], single_sink.values_[t]));
    CHECK(table.rows[t].median == single.table.rows[t].median);
    CHECK(table.rows[t].p_met == single.table.rows[t].p_met);
  }
  CHECK(table.joint.met_count_hist == single.table.joint.met_count_hist);
}

TEST_CASE("a run stopped after a checkpoint and resumed from it equals the uninterrupted run", "[run][checkpoint]") {
  Setup u;
  RangeSink single_sink(u.s.targets.size(), u.draws);
  const RunOutcome single = run_monte_carlo(u.model, u.s, u.sampler, u.options(2), single_sink);
  const DrawRange range = GENERATE(DrawRange{0, 2000}, DrawRange{512, 1792});  // a whole run, a shard
  CAPTURE(range.first, range.end);

  std::atomic<bool> cancel{false};
  EveryFewBlocks ck(2, 2, cancel);
  RangeSink sink(u.s.targets.size(), u.draws);
  RunOptions o = u.options(2, range);
  o.checkpoints = &ck;
  o.cancel = &cancel;
  const RunOutcome stopped = run_monte_carlo(u.model, u.s, u.sampler, o, sink);
  REQUIRE(stopped.cancelled);
  REQUIRE(ck.saved);
  REQUIRE(ck.saved_range.end < range.end);

  // Resume from what was saved: the state, and the per-draw values up to its end.
  RunState resumed(range.first, stopped.state.moments.series(), u.s.targets);
  resumed.load(*ck.saved);
  RangeSink sink2(u.s.targets.size(), u.draws);
  for (std::size_t t = 0; t < u.s.targets.size(); ++t)
    for (std::uint64_t d = range.first; d < ck.saved_range.end; ++d) sink2.values_[t][d] = sink.values_[t][d];
  for (const auto& [tile, m] : sink.tiles_)
    if (tile < ck.saved_range.end / kTileDraws) sink2.tiles_[tile] = m;
  RunOptions o2 = u.options(3, range);
  o2.resume = &resumed;
  RunOutcome done = run_monte_carlo(u.model, u.s, u.sampler, o2, sink2);
  REQUIRE_FALSE(done.cancelled);
  REQUIRE(done.state.range == range);

  if (range.first == 0) {
    CHECK(bit_equal(done.summary.mean, single.summary.mean));
    CHECK(bit_equal(done.summary.sd, single.summary.sd));
    CHECK(bit_equal(done.summary.quantiles, single.summary.quantiles));
    CHECK(done.table.joint.met_count_hist == single.table.joint.met_count_hist);
  } else {
    // The shard's tiles, folded onto the draws before it, give the single run's moments.
    RangeSink head_sink(u.s.targets.size(), u.draws);
    RunOutcome head = run_monte_carlo(u.model, u.s, u.sampler, u.options(2, {0, range.first}), head_sink);
    RunOutcome tail = run_monte_carlo(u.model, u.s, u.sampler, u.options(2, {range.end, u.draws}), head_sink);
    append_state(head.state, done.state, sink2.tiles(range));
    append_state(head.state, tail.state, head_sink.tiles({range.end, u.draws}));
    CHECK(bit_equal(head.state.moments.mean(), single.state.moments.mean()));
    CHECK(bit_equal(head.state.moments.m2(), single.state.moments.m2()));
    CHECK(bit_equal(head.state.moments.min(), single.state.moments.min()));
  }
  for (std::size_t t = 0; t < u.s.targets.size(); ++t)
    for (std::uint64_t d = range.first; d < range.end; ++d) REQUIRE(sink2.values_[t][d] == single_sink.values_[t][d]);
}

TEST_CASE("a precise run that also makes checkpoints stops where it stops without them", "[run][checkpoint][precision]") {
  Setup u;
  RunOptions o = u.options(2);
  o.precision = {0.03, 512};  // checks every 2 tiles
  MemorySink plain_sink(u.s.targets.size());
  const RunOutcome plain = run_monte_carlo(u.model, u.s, u.sampler, o, plain_sink);
  REQUIRE(plain.precise);
  REQUIRE(plain.draws_run < u.draws);

  // Checkpoints due before every block but the first of a pass: passes end
  // at checkpoints and at the rule's checks, whichever comes first.
  std::atomic<bool> never{false};
  EveryFewBlocks ck(1, -1, never);
  o.checkpoints = &ck;
  MemorySink sink(u.s.targets.size());
  const RunOutcome r = run_monte_carlo(u.model, u.s, u.sampler, o, sink);
  CHECK(ck.saved);
  CHECK(r.precise);
  CHECK(r.draws_run == plain.draws_run);
  CHECK(r.info.draws_requested == plain.draws_run);
  CHECK(bit_equal(r.summary.mean, plain.summary.mean));
  CHECK(bit_equal(r.summary.quantiles, plain.summary.quantiles));
  CHECK(r.table.joint.met_count_hist == plain.table.joint.met_count_hist);
  CHECK(r.table.rows.at(0).p_met == plain.table.rows.at(0).p_met);

  // Its counts are not in a run state: no range, no resume.
  RunOptions shard = u.options(2, {0, 1024});
  shard.precision = {0.03, 512};
  CHECK_THROWS_AS(run_monte_carlo(u.model, u.s, u.sampler, shard, sink), std::invalid_argument);
}
