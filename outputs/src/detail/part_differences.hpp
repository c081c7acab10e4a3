#pragma once
// What two shard files of a sweep or a design (point-range shards) must share
// to be parts of one whole. Internal to innosim::outputs.

#include <string>
#include <vector>

#include <fmt/format.h>

namespace innosim::detail {

// Why shard file `x` is not of `y`'s sweep or design (`whole`: "sweep",
// "design"), as far as the scenario, seed, draws, sampler, model and program
// go; each as "seed 12 where the sweep has 11". F has scenario_name,
// part.scenario_hash and header.{seed, draws, sampler, model,
// engine_version, git_sha}.
template <class F>
std::vector<std::string> part_differences(const F& x, const F& y, const char* whole) {
  std::vector<std::string> out;
  auto differ = [&](const char* what, const std::string& mine, const std::string& theirs) {
    if (mine != theirs) out.push_back(fmt::format("{} {} where the {} has {}", what, mine, whole, theirs));
  };
  differ("scenario", fmt::format("'{}' {}", x.scenario_name, x.part.scenario_hash.substr(0, 12)),
         fmt::format("'{}' {}", y.scenario_name, y.part.scenario_hash.substr(0, 12)));
  differ("seed", std::to_string(x.header.seed), std::to_string(y.header.seed));
  differ("draws", std::to_string(x.header.draws), std::to_string(y.header.draws));
  differ("sampler", x.header.sampler, y.header.sampler);
  differ("model", x.header.model, y.header.model);
  differ("program", "innosim " + x.header.engine_version + " (" + x.header.git_sha + ")",
         "innosim " + y.header.engine_version + " (" + y.header.git_sha + ")");
  return out;
}

}  // namespace innosim::detail
