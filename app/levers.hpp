#pragma once
// Levers as the axes of `sweep`, `design` and `solve`: a lever is moved by
// multiplying its whole path (its zone path, or every region's path, every
// year) by one factor k, so its shape over years and regions stays as the
// scenario wrote it. A yuan lever's range may also be given as amounts: the
// zone total in the horizon's end year, in 亿元 (1 亿 = 1e8 yuan) or yuan per
// year; the amount a is the factor a / (the lever's unscaled zone total in
// that year).

#include <optional>
#include <string>
#include <vector>

#include "innosim/scenario/scenario.hpp"

namespace innosim::app {

// One lever moved by a command, with its range as factors.
struct LeverAxis {
  std::string id;
  const Lever* lever = nullptr;  // in the base scenario
  double base = 0;               // unscaled zone total in the horizon's end year, in the lever's unit
  double lo = 0, hi = 0;         // range of the factor
  bool amounts = false;          // the range was given as amounts (yuan levers only)
};

// The lever's zone total in `year`: its zone path, or the sum over the zone's regions.
double lever_zone_total(const Lever& l, int year, const std::vector<Region>& regions);

// Multiplies lever `id`'s whole path in `s` by k.
void scale_lever(Scenario& s, const std::string& id, double k);

// The message for a lever the scenario lacks (did you mean, the levers it
// has) or that cannot be scaled (a share, probability or switch); empty if
// it can be moved. `scenario_path` names the file in the message.
std::string lever_problem(const Scenario& s, const std::string& scenario_path, const std::string& id);

// Checks `id` with lever_problem and, for a range "lo:hi", parses it: plain
// numbers are factors; numbers ending in 亿, 亿元, yi or yuan are amounts of
// a yuan lever. Returns the axis, or nullopt with `why` set. lo < hi,
// both >= 0, both finite.
std::optional<LeverAxis> make_axis(const Scenario& s, const std::string& scenario_path, const std::string& id,
                                   const std::string& range, std::string& why);

// The amount of a lever at factor k, for people: "2.00 亿元 (200000000 yuan)"
// for yuan levers, "0.02 rate" otherwise.
std::string amount_text(const LeverAxis& axis, double k);

// "L=lo:hi" -> {"L", "lo:hi"}; "L" -> {"L", ""}.
std::pair<std::string, std::string> split_lever_spec(const std::string& spec);

}  // namespace innosim::app
