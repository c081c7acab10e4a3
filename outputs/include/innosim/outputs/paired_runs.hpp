#pragma once
// Whether two run files hold the same draws (common random numbers), and
// every draw's value of one target, for `innosim compare`'s differences.

#include <cstddef>
#include <string>
#include <vector>

#include "innosim/outputs/hdf5_writer.hpp"  // RunFile

namespace innosim {

// True when `a` and `b` have the same seed, sampler and draw count and
// bit-identical parameter draws, so that draw i of one and draw i of the
// other share every random number: judged by the 64-bit digests of the draws
// (/parameters@draws_digest) when both files have one, else by the draws
// themselves (/parameters/draws, read in blocks: memory does not grow with
// draws). Otherwise false, with `why` saying the first thing that differs
// ("seeds differ: 11 and 12").
bool same_draws(const RunFile& a, const RunFile& b, std::string& why);

// Row t of /targets/draws: every draw's value of target t (NaN = dropped).
std::vector<double> read_target_draws(const std::string& path, std::size_t t);

}  // namespace innosim
