#pragma once
// What the page's lever controls mean, and the what-if scenario a setting of
// them makes (docs/serve.md, "Levers").
//
// A control shows one lever path (the zone's, or one region's of a per-region
// lever) by its value in the horizon's last year. Setting it to v changes the
// path's policy years (those after the horizon's start; the start year is
// history and stays): scaled by v / plan when the plan's last-year value is
// not zero, so onset and growth are kept; set to v when it is zero (a lever
// the plan leaves off), from the first simulated year on.
//
// A setting becomes a what-if TOML that `extends` the served scenario and
// holds only the changed levers. Loading that text is how a setting is
// validated, so a refused value gets the same messages as `innosim validate`
// of the saved file.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "innosim/scenario/scenario.hpp"

namespace innosim::app::serve {

// The region name of a zone-wide lever path.
inline constexpr const char* kZone = "zone";

// Page groups, in page order. Levers are put in one by lever_group().
struct LeverGroup {
  const char* id;
  const char* name_en;
  const char* name_zh;
};
const std::vector<LeverGroup>& lever_groups();

// The group of a lever (the documented rule, docs/serve.md): tax for ids
// naming a tax or the super-deduction, platforms for ids starting with
// "platform", money for amounts in yuan and the shares that split money
// (ids starting with "fund_use_" or ending in "_allocation"), programmes for
// switches and counts, other for anything else.
std::string lever_group(const Lever& lever);

// Control values that differ from the plan, by (lever id, region id or kZone),
// in the lever's own unit (yuan, share as a fraction, ...).
using Setting = std::map<std::pair<std::string, std::string>, double>;

// The path `plan` with its control set to `value` (rule above). `start` and
// `end` are the horizon's.
YearSeries apply_control(const YearSeries& plan, int start, int end, double value);

// The what-if made from a setting.
struct WhatIf {
  std::string name;  // "<base name>-whatif-<16 hex digits>", or the base name for an empty setting
  std::string toml;  // the file's text; empty for an empty setting
};

// The what-if of `setting` on `base` (the served scenario, loaded from
// `base_path`). Entries must name a lever of `base` and one of its paths
// (kZone for a zone lever, a region id for a per-region one); entries equal
// to the plan are ignored. The text extends base_path (absolute) and is the
// same for the same setting.
WhatIf make_whatif(const Scenario& base, const std::string& base_path, const Setting& setting);

// 64-bit FNV-1a: stable names for what-ifs and their files.
std::uint64_t fnv1a(std::string_view text);

}  // namespace innosim::app::serve
