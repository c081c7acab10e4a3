#pragma once
// What `run` and `merge` print at the end: the target table on stdout, the
// speed on stderr.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "innosim/outputs/table.hpp"
#include "innosim/scenario/scenario.hpp"
#include "options.hpp"

namespace innosim::app {

inline void print_target_table(const Scenario& s, const TargetTable& table, const RunInfo& info,
                               const std::string& format) {
  TableContext ctx{s.name, s.regions, s.indicators, info, format == "text" && isatty(STDOUT_FILENO)};
  std::cout << format_target_table(table, ctx, parse_format(format));
}

inline double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// "1234 draws/s, 8 threads, peak memory 120 MiB" for `draws` run in `seconds`.
inline std::string speed(std::uint64_t draws, double seconds, unsigned threads) {
  return fmt::format("{:.0f} draws/s, {} threads, peak memory {:.0f} MiB",
                     static_cast<double>(draws) / std::max(seconds, 1e-9), threads, peak_rss_mib());
}

}  // namespace innosim::app
