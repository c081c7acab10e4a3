#pragma once
// Writes one self-describing HDF5 file per run (schema: docs/hdf5-schema.md).
// The file is created under a temporary name beside the final path and
// renamed only by finish(), sealed with checksums of every object; a writer
// destroyed before finish() (error, Ctrl-C) removes its temporary file, so
// no truncated file is ever left.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "innosim/analysis/innovation_index.hpp"
#include "innosim/outputs/input_file_error.hpp"
#include "innosim/outputs/output_policy.hpp"
#include "innosim/run/aggregate.hpp"
#include "innosim/run/results.hpp"
#include "innosim/run/run_state.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// What a run file keeps of each draw (docs/hdf5-schema.md, "Store levels").
// Each level keeps everything the levels before it keep.
enum class StoreLevel {
  summary,       // summaries and the target table only, no per-draw data
  targets,       // + each draw's target-year values and validity (the default)
  parameters,    // + each draw's sampled parameter values
  trajectories,  // + each draw's indicator values in every report year
};
const char* store_level_name(StoreLevel level);
std::optional<StoreLevel> parse_store_level(std::string_view name);

struct WriterConfig {
  StoreLevel store = StoreLevel::targets;
  bool yearly_uniforms = false;  // the model's per-year random inputs (for replay/reference)
  int gzip_level = 4;            // deflate level of every per-draw dataset (after shuffle); 0 = none
  OutputPolicy output;           // whether an existing file may be replaced
};

// Everything describing the run that is known before it starts.
struct RunHeader {
  std::string engine_version;
  std::string git_sha;
  std::uint64_t seed = 0;
  std::string sampler;
  std::size_t draws = 0;             // with a precision rule: the cap
  std::size_t randoms_per_year = 0;  // K: per-year uniforms per draw
  std::string model;
  double precision = 0;  // the P(met) standard error asked for (run --precision); 0 = none
  // Shard files (docs/hdf5-schema.md, "Shard files"): shard k of K holds the
  // per-draw values of `range` and, by finish_shard, the run state of it.
  unsigned shard = 0, shards = 0;  // k, K; 0 = a run file
  DrawRange range;                 // {0, 0} = every draw
  std::string scenario_hash;       // scenario_hash(): which scenario the shards ran
  bool is_shard() const { return shards > 0; }
};

class RunWriter {
 public:
  RunWriter(std::string final_path, const Scenario& scenario, const ResultShape& shape,
            const RunHeader& header, WriterConfig config);
  ~RunWriter();  // removes the temporary file unless finish() succeeded
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  // Per-draw data for draws [first, first+count) (within header.range), called in increasing order
  // from one thread at a time. Layouts (draw-major, as produced by the runner):
  //   theta           [count][P]                   P = scenario.parameters.size()
  //   target_values   [count][T]                   T = scenario.targets.size(); NaN = dropped
  //   trajectories    [count][shape.size()]        empty unless config.store is trajectories
  //   uniforms        [count][years-1][K]          empty unless config.yearly_uniforms
  //   valid           [count]                      1 = valid, 0 = dropped
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                   std::span<const double> target_values, std::span<const double> trajectories,
                   std::span<const double> uniforms, std::span<const std::uint8_t> valid);

  // The run stopped after `draws` draws, fewer than announced (adaptive
  // precision): every per-draw dataset keeps its first `draws` draws and
  // draws_requested says `draws`. After the last write_draws.
  void end_early(std::uint64_t draws);
  // Moments of tiles first_tile.. (DrawSink::write_tiles); kept by shard
  // files whose range does not start at draw 0, ignored otherwise.
  void write_tiles(std::uint64_t first_tile, std::span<const Moments> tiles);

  // Reads back all per-draw values of target t (for exact quantiles; at the
  // summary level they are kept in a scratch file beside the temporary one).
  std::vector<double> target_values(std::size_t t) const;

  // Writes the innovation index of the scenario's [index] (/innovation_index);
  // before finish().
  void write_index(const InnovationIndexSpec& spec, const IndexResult& index);

  // Writes summaries and the target table, closes and renames into place.
  void finish(const Summary& summary, const TargetTable& table, const RunInfo& info);
  // For a shard file: writes the run state of its range (/shard/state) and
  // the counts, closes and renames into place.
  void finish_shard(const RunState& state, const RunInfo& info);

  const std::string& temp_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What `innosim check` and `compare` need back from a run file.
struct RunFile {
  std::string path;
  StoreLevel store = StoreLevel::parameters;  // files without the attribute kept parameters
  bool table_recomputed = false;              // table rebuilt from /targets/draws
  RunHeader header;
  RunInfo info;
  std::string scenario_name;
  std::vector<Region> regions;
  std::vector<IndicatorNames> indicators;
  ResultShape shape;
  Summary summary;
  TargetTable table;         // recomputed from /targets/draws, or as stored (read_run_file's `recompute`)
  TargetTable stored_table;  // as stored
  std::vector<Target> targets;
  std::optional<IndexResult> index;  // /innovation_index, when the scenario declared an index
};

// SHA-256 (hex) of the texts of a scenario's files in order: what shards
// and checkpoints compare to know they ran the same scenario.
std::string scenario_hash(const Scenario& scenario);

// Reads a run file after verifying the checksums of every object (it reads
// the whole file once); throws InputFileError naming the path and the
// missing, malformed or damaged object. With `recompute`, the target table
// is recomputed from /targets/draws (what `check` prints) when the file has
// them (store level targets and above), else the stored table is read.
RunFile read_run_file(const std::string& path, bool recompute = true);

// Every draw's value of one series (indicator i, region r, report year y of
// run.shape), NaN for dropped draws, when the file stores them: from
// /trajectories/values (runs with --trajectories), or from /targets/draws
// when a target is that series. nullopt when the file has only the
// summaries. Throws std::runtime_error naming the object on a read failure.
std::optional<std::vector<double>> read_series_draws(const RunFile& run, std::size_t i, std::size_t r, std::size_t y);

// Any innosim file (run, sweep, ...): its kind, once every object has been
// verified against its checksum (InputFileError naming the damaged object
// otherwise).
struct VerifiedFile {
  std::string file_type;  // "innosim-run", "innosim-sweep", ...
  int format_version = 0;
  std::size_t objects = 0;  // objects checked
};
VerifiedFile verify_innosim_file(const std::string& path);

// The root attribute file_type of an innosim file ("innosim-run", ...), read
// without verifying anything, to choose a reader; "" for any other file.
std::string innosim_file_type(const std::string& path);

}  // namespace innosim
