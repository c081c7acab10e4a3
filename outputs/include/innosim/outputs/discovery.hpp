#pragma once
// Scenario discovery on a run or design file (`innosim discover`): the
// inputs (every varying parameter, and in a design file every lever's
// factor) and each point's target values, read from the file; the PRIM
// result as a table and as an HDF5 file (docs/hdf5-schema.md, "Discovery
// files").

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "innosim/outputs/output_policy.hpp"
#include "innosim/analysis/prim.hpp"
#include "innosim/outputs/table.hpp"  // TableFormat
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// What a run file (innosim-run) or design file (innosim-design) gives to
// scenario discovery. A point is a draw (run file) or a draw at a design
// point (design file: point v, draw n is point v N + n).
struct DiscoverySource {
  std::string path;
  std::string file_type;  // "innosim-run" | "innosim-design"
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::size_t draws = 0, design_points = 1;  // points = draws x design_points
  std::vector<Target> targets;
  std::vector<IndicatorNames> indicators;  // from /meta (names only)
  PrimData inputs;                         // y empty
  std::vector<std::string> input_kinds;    // [input]: "parameter" | "lever"
  std::size_t points() const { return draws * design_points; }
};

// Reads the inputs: the parameters whose values vary over the draws, then
// (design files) each lever's factor, once every object of the file has
// matched its checksum. Throws std::runtime_error (InputFileError) naming the
// file and object for a file of another kind, a malformed or a damaged one.
DiscoverySource read_discovery_source(const std::string& path);

// Every point's value of target t at its year (NaN for a dropped draw), from
// the file read_discovery_source verified.
std::vector<double> read_discovery_target(const DiscoverySource& source, std::size_t t);

struct DiscoveryHeader {
  std::string engine_version;
  std::string git_sha;
  std::string target_id;
  std::size_t target = 0;    // index into source.targets
  bool case_met = false;     // the case of interest: the target met (true) or missed
  std::size_t dropped = 0;   // points left out (a dropped draw: no value)
  PrimOptions options;
  double min_coverage = 0.5;  // how the box was chosen
  double seconds = 0;
};

// Writes the discovery file (to a temporary name, sealed with the checksums
// of every object and renamed on success, as `policy` allows).
void write_discovery_file(const std::string& path, const DiscoverySource& source, const DiscoveryHeader& header,
                          const PrimData& data, const PrimResult& result, std::size_t chosen,
                          OutputPolicy policy = {});

// The peeling trajectory and the chosen box with its restrictions: text,
// CSV (the restrictions of the chosen box) or JSON (everything).
std::string format_discovery_table(const DiscoverySource& source, const DiscoveryHeader& header,
                                   const PrimData& data, const PrimResult& result, std::size_t chosen,
                                   TableFormat format);

}  // namespace innosim
