#pragma once
// A calibration's diagnostics for people and programs (`innosim calibrate`
// prints them; `innosim check POSTERIOR.h5` prints them again from the file):
// per parameter the prior against the posterior (median, 90 % interval,
// shrinkage); per observation the observed value against its prior and
// posterior predictive band; per generation the temperature, effective sample
// size, acceptance and moves; the warnings.

#include <string>

#include "innosim/outputs/posterior_file.hpp"
#include "innosim/outputs/table.hpp"

namespace innosim {

// Text: all four tables. CSV: the parameter table. JSON: everything.
std::string format_calibration(const PosteriorRecord& record, TableFormat format);

}  // namespace innosim
