// Scenario discovery's inputs from run and design files, its file and its
// table (discovery.hpp; schema: docs/hdf5-schema.md, "Discovery files").

#include "innosim/outputs/discovery.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "detail/files.hpp"
#include "detail/h5.hpp"
#include "detail/indent.hpp"
#include "detail/labels.hpp"
#include "detail/meta.hpp"
#include "detail/whole_file.hpp"
#include "innosim/outputs/text.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr const char* kRunType = "innosim-run";
constexpr const char* kDesignType = "innosim-design";
constexpr const char* kDiscoveryFileType = "innosim-discovery";
constexpr int kDiscoveryFormatVersion = 2;  // 2: checksums (/integrity), as every innosim file

// A file read_discovery_source verified, opened again.
Hid open_file(const std::string& path) {
  h5::silence_errors();
  return h5::checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, h5::Where{path},
                     H5I_INVALID_HID, "", "cannot open");
}

}  // namespace

DiscoverySource read_discovery_source(const std::string& path) {
  Hid file = detail::open_innosim_file(path, "", 0);
  const h5::Where w{path};
  const hid_t root = file.get();
  DiscoverySource src;
  src.path = path;
  src.file_type = h5::read_attr_string(root, "file_type", w);
  if (src.file_type != kRunType && src.file_type != kDesignType)
    throw std::runtime_error(path + ": a " + src.file_type +
                             " file; scenario discovery reads run files (innosim run) and design files "
                             "(innosim design)");
  src.scenario_name = h5::read_attr_string(root, "scenario_name", w);
  src.seed = h5::read_attr<std::uint64_t>(root, "seed", w);
  src.draws = static_cast<std::size_t>(
      h5::read_attr<std::uint64_t>(root, src.file_type == kRunType ? "draws_requested" : "draws", w));
  if (src.file_type == kDesignType)
    src.design_points = static_cast<std::size_t>(h5::read_attr<std::uint64_t>(root, "points", w));
  {
    Hid g = h5::open_group(root, "targets", w);
    src.targets = detail::read_target_definitions(g.get(), w);
  }
  {
    Hid g = h5::open_group(root, "meta/indicators", w);
    const auto id = h5::read_strings(g.get(), "id", w);
    const auto en = h5::read_strings(g.get(), "name_en", w, id.size());
    const auto zh = h5::read_strings(g.get(), "name_zh", w, id.size());
    const auto unit = h5::read_strings(g.get(), "unit", w, id.size());
    for (std::size_t i = 0; i < id.size(); ++i) src.indicators.push_back({id[i], en[i], zh[i], unit[i]});
  }
  const std::size_t N = src.draws, V = src.design_points;
  {
    Hid g = h5::open_group(root, "parameters", w);
    if (!h5::exists(g.get(), "draws"))
      throw std::runtime_error(path + ": no per-draw parameter values (/parameters/draws): the run kept store level " +
                               h5::read_attr_string(root, "store", w) +
                               "; run it again with --store parameters for scenario discovery");
    const auto ids = h5::read_strings(g.get(), "id", w);
    const auto theta =
        h5::read_array<double>(g.get(), "draws", w, nullptr, {{static_cast<hsize_t>(ids.size()), static_cast<hsize_t>(N)}});
    for (std::size_t p = 0; p < ids.size(); ++p) {
      const double* row = theta.data() + p * N;
      const auto [lo, hi] = std::minmax_element(row, row + N);
      if (N == 0 || *lo == *hi) continue;  // fixed: no input
      src.inputs.names.push_back(ids[p]);
      src.input_kinds.push_back("parameter");
      for (std::size_t v = 0; v < V; ++v) src.inputs.x.insert(src.inputs.x.end(), row, row + N);
    }
  }
  if (src.file_type == kDesignType) {
    Hid g = h5::open_group(root, "levers", w);
    const auto ids = h5::read_strings(g.get(), "id", w);
    const auto scale = h5::read_array<double>(root, "design/scale", w, nullptr,
                                              {{static_cast<hsize_t>(V), static_cast<hsize_t>(ids.size())}});
    for (std::size_t l = 0; l < ids.size(); ++l) {
      src.inputs.names.push_back(ids[l]);
      src.input_kinds.push_back("lever");
      for (std::size_t v = 0; v < V; ++v) src.inputs.x.insert(src.inputs.x.end(), N, scale[v * ids.size() + l]);
    }
  }
  return src;
}

std::vector<double> read_discovery_target(const DiscoverySource& src, std::size_t t) {
  Hid file = open_file(src.path);
  const h5::Where w{src.path};
  const auto T = static_cast<hsize_t>(src.targets.size()), N = static_cast<hsize_t>(src.draws);
  if (t >= src.targets.size()) throw std::out_of_range(src.path + ": no target " + std::to_string(t));
  if (src.file_type == kRunType) {
    const auto all = h5::read_array<double>(file.get(), "targets/draws", w, nullptr, {{T, N}});
    return {all.begin() + static_cast<std::ptrdiff_t>(t * N), all.begin() + static_cast<std::ptrdiff_t>((t + 1) * N)};
  }
  const auto V = static_cast<hsize_t>(src.design_points);
  const auto all = h5::read_array<double>(file.get(), "points/target_draws", w, nullptr, {{V, T, N}});
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(V * N));
  for (hsize_t v = 0; v < V; ++v) {
    const auto from = all.begin() + static_cast<std::ptrdiff_t>((v * T + t) * N);
    out.insert(out.end(), from, from + static_cast<std::ptrdiff_t>(N));
  }
  return out;
}

namespace {

// The data's range of each input (box 0's bounds).
void write_layout(hid_t root, const DiscoverySource& src, const DiscoveryHeader& h, const PrimData& data,
                  const PrimResult& r, std::size_t chosen, const h5::Where& w) {
  const std::size_t D = data.num_inputs(), B = r.trajectory.size();
  h5::write_attr_string(root, "file_type", kDiscoveryFileType, w);
  h5::write_attr<std::int32_t>(root, "format_version", kDiscoveryFormatVersion, w);
  h5::write_attr_string(root, "engine_version", h.engine_version, w);
  h5::write_attr_string(root, "git_sha", h.git_sha, w);
  h5::write_attr_string(root, "created_utc", detail::utc_now_iso8601(), w);
  h5::write_attr_string(root, "source_file", src.path, w);
  h5::write_attr_string(root, "source_file_type", src.file_type, w);
  h5::write_attr_string(root, "scenario_name", src.scenario_name, w);
  h5::write_attr<std::uint64_t>(root, "seed", src.seed, w);
  h5::write_attr_string(root, "target_id", h.target_id, w);
  h5::write_attr<std::int32_t>(root, "target", static_cast<std::int32_t>(h.target), w);
  h5::write_attr_string(root, "case", h.case_met ? "met" : "missed", w);
  h5::write_attr<std::uint64_t>(root, "points", r.points, w);
  h5::write_attr<std::uint64_t>(root, "cases", r.cases, w);
  h5::write_attr<std::uint64_t>(root, "dropped", h.dropped, w);
  h5::write_attr<double>(root, "alpha", h.options.alpha, w);
  h5::write_attr<double>(root, "min_mass", h.options.min_mass, w);
  h5::write_attr<double>(root, "min_coverage", h.min_coverage, w);
  h5::write_attr<double>(root, "seconds", h.seconds, w);
  {
    Hid g = h5::create_group(root, "inputs", w);
    h5::write_strings(g.get(), "name", data.names, w);
    h5::write_strings(g.get(), "kind", src.input_kinds, w);
    h5::write_vector(g.get(), "lo", r.trajectory.front().lo, w);
    h5::write_vector(g.get(), "hi", r.trajectory.front().hi, w);
  }
  {
    Hid g = h5::create_group(root, "trajectory", w);
    std::vector<double> mass, coverage, density, lo, hi;
    std::vector<std::uint64_t> points, cases, restricted;
    for (const PrimBox& b : r.trajectory) {
      mass.push_back(b.mass);
      coverage.push_back(b.coverage);
      density.push_back(b.density);
      points.push_back(b.points);
      cases.push_back(b.cases);
      restricted.push_back(b.restricted);
      lo.insert(lo.end(), b.lo.begin(), b.lo.end());
      hi.insert(hi.end(), b.hi.begin(), b.hi.end());
    }
    h5::write_vector(g.get(), "mass", mass, w);
    h5::write_vector(g.get(), "coverage", coverage, w);
    h5::write_vector(g.get(), "density", density, w);
    h5::write_vector(g.get(), "points", points, w);
    h5::write_vector(g.get(), "cases", cases, w);
    h5::write_vector(g.get(), "restricted", restricted, w);
    h5::write_array(g.get(), "lo", {static_cast<hsize_t>(B), static_cast<hsize_t>(D)}, lo.data(), w);
    h5::write_array(g.get(), "hi", {static_cast<hsize_t>(B), static_cast<hsize_t>(D)}, hi.data(), w);
  }
  {
    Hid g = h5::create_group(root, "box", w);
    h5::write_attr<std::uint64_t>(g.get(), "index", chosen, w);
    const std::vector<PrimRestriction> rs = prim_restrictions(data, r, r.trajectory[chosen]);
    std::vector<std::string> input;
    std::vector<std::int32_t> index;
    std::vector<std::uint8_t> lower, upper;
    std::vector<double> lo, hi, kept, p;
    for (const PrimRestriction& x : rs) {
      input.push_back(data.names[x.input]);
      index.push_back(static_cast<std::int32_t>(x.input));
      lower.push_back(x.lower ? 1 : 0);
      upper.push_back(x.upper ? 1 : 0);
      lo.push_back(x.lo);
      hi.push_back(x.hi);
      kept.push_back(x.kept);
      p.push_back(x.quasi_p);
    }
    h5::write_strings(g.get(), "input", input, w);
    h5::write_vector(g.get(), "input_index", index, w);
    h5::write_vector(g.get(), "lower", lower, w);
    h5::write_vector(g.get(), "upper", upper, w);
    h5::write_vector(g.get(), "lo", lo, w);
    h5::write_vector(g.get(), "hi", hi, w);
    h5::write_vector(g.get(), "kept", kept, w);
    h5::write_vector(g.get(), "quasi_p", p, w);
  }
}

std::string bound(double x) { return fmt::format("{:.4g}", x); }

std::string restriction_cell(const PrimRestriction& x) {
  if (x.lower && x.upper) return fmt::format("{} .. {}", bound(x.lo), bound(x.hi));
  if (x.lower) return "≥ " + bound(x.lo);
  return "≤ " + bound(x.hi);
}

std::string p_cell(double p) { return p < 1e-4 ? fmt::format("{:.1e}", p) : fmt::format("{:.4f}", p); }

std::string case_text(const DiscoverySource& src, const DiscoveryHeader& h) {
  const Target& tg = src.targets[h.target];
  return fmt::format("{} '{}' {} ({} in {})", "target", h.target_id, h.case_met ? "met" : "missed",
                     detail::target_cell(src.indicators, tg, 60), tg.year);
}

std::string format_text(const DiscoverySource& src, const DiscoveryHeader& h, const PrimData& data,
                        const PrimResult& r, std::size_t chosen) {
  const std::size_t B = r.trajectory.size();
  std::string out = fmt::format(
      "Scenario discovery (PRIM) on {} ({}, scenario '{}'): case of interest = {}\n"
      "{} cases among {} points ({}){}; {} inputs; peeling alpha {}, smallest box {} of the points\n",
      src.path, src.file_type == kDesignType ? fmt::format("design, {} points x {} draws", src.design_points, src.draws)
                                             : fmt::format("run, {} draws", src.draws),
      src.scenario_name, case_text(src, h), r.cases, r.points,
      percent(r.points ? static_cast<double>(r.cases) / static_cast<double>(r.points) : 0.0),
      h.dropped ? fmt::format(", {} dropped draws left out", h.dropped) : "", data.num_inputs(),
      percent(h.options.alpha, 0), percent(h.options.min_mass, 0));
  out += "\npeeling trajectory (coverage: share of all cases inside the box; density: share of the box's points "
         "that are cases):\n";
  std::vector<std::vector<std::string>> rows = {{"box", "mass", "coverage", "density", "restricted"}};
  const std::size_t step = std::max<std::size_t>(1, B / 12);
  for (std::size_t b = 0; b < B; ++b) {
    if (b % step != 0 && b != chosen && b + 1 != B) continue;
    const PrimBox& x = r.trajectory[b];
    rows.push_back({std::to_string(b) + (b == chosen ? " *" : ""), percent(x.mass), percent(x.coverage),
                    percent(x.density), std::to_string(x.restricted)});
  }
  std::string table = aligned_columns(rows, {Align::right, Align::right, Align::right, Align::right, Align::right});
  out += detail::indent_lines(table, "  ");
  const PrimBox& box = r.trajectory[chosen];
  out += fmt::format("\nchosen box {} (the densest with coverage ≥ {}): {} of the points, coverage {}, density {} "
                     "(overall {})\n",
                     chosen, percent(h.min_coverage, 0), percent(box.mass), percent(box.coverage),
                     percent(box.density),
                     percent(r.points ? static_cast<double>(r.cases) / static_cast<double>(r.points) : 0.0));
  const std::vector<PrimRestriction> rs = prim_restrictions(data, r, box);
  if (rs.empty()) {
    out += "  no restriction: no box of enough coverage is denser than all the points\n";
    return out;
  }
  std::vector<std::vector<std::string>> rr = {{"input", "kind", "range in the data", "box", "kept alone", "quasi-p"}};
  for (const PrimRestriction& x : rs)
    rr.push_back({data.names[x.input], src.input_kinds[x.input],
                  fmt::format("{} .. {}", bound(r.trajectory.front().lo[x.input]),
                              bound(r.trajectory.front().hi[x.input])),
                  restriction_cell(x), percent(x.kept), p_cell(x.quasi_p)});
  table = aligned_columns(rr, {Align::left, Align::left, Align::left, Align::left, Align::right, Align::right});
  out += detail::indent_lines(table, "  ");
  out += "\nkept alone: share of all points within the restriction on that input alone. quasi-p: how likely the "
         "box's density gain from that restriction is by chance (binomial; small = the restriction matters).\n";
  return out;
}

std::string format_csv(const DiscoverySource& src, const PrimData& data, const PrimResult& r, std::size_t chosen) {
  std::string out = "input,kind,data_lo,data_hi,box_lo,box_hi,lower,upper,kept,quasi_p\n";
  for (const PrimRestriction& x : prim_restrictions(data, r, r.trajectory[chosen]))
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", csv_field(data.names[x.input]), src.input_kinds[x.input],
                       exact_number(r.trajectory.front().lo[x.input]), exact_number(r.trajectory.front().hi[x.input]),
                       exact_number(x.lo), exact_number(x.hi), x.lower ? 1 : 0, x.upper ? 1 : 0,
                       exact_number(x.kept), exact_number(x.quasi_p));
  return out;
}

std::string format_json(const DiscoverySource& src, const DiscoveryHeader& h, const PrimData& data,
                        const PrimResult& r, std::size_t chosen) {
  std::string out = fmt::format(
      "{{\n  \"source_file\": {},\n  \"scenario\": {},\n  \"target\": {},\n  \"case\": \"{}\",\n  \"points\": {},\n"
      "  \"cases\": {},\n  \"alpha\": {},\n  \"min_mass\": {},\n  \"min_coverage\": {},\n  \"trajectory\": [",
      json_string(src.path), json_string(src.scenario_name), json_string(h.target_id), h.case_met ? "met" : "missed",
      r.points, r.cases, json_number(h.options.alpha), json_number(h.options.min_mass), json_number(h.min_coverage));
  for (std::size_t b = 0; b < r.trajectory.size(); ++b) {
    const PrimBox& x = r.trajectory[b];
    out += fmt::format("{}\n    {{\"mass\": {}, \"coverage\": {}, \"density\": {}, \"restricted\": {}}}", b ? "," : "",
                       json_number(x.mass), json_number(x.coverage), json_number(x.density), x.restricted);
  }
  const PrimBox& box = r.trajectory[chosen];
  out += fmt::format("\n  ],\n  \"box\": {{\"index\": {}, \"mass\": {}, \"coverage\": {}, \"density\": {},\n"
                     "    \"restrictions\": [",
                     chosen, json_number(box.mass), json_number(box.coverage), json_number(box.density));
  const std::vector<PrimRestriction> rs = prim_restrictions(data, r, box);
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const PrimRestriction& x = rs[i];
    out += fmt::format("{}\n      {{\"input\": {}, \"kind\": \"{}\", \"lo\": {}, \"hi\": {}, \"lower\": {}, "
                       "\"upper\": {}, \"kept\": {}, \"quasi_p\": {}}}",
                       i ? "," : "", json_string(data.names[x.input]), src.input_kinds[x.input], json_number(x.lo),
                       json_number(x.hi), x.lower ? "true" : "false", x.upper ? "true" : "false", json_number(x.kept),
                       json_number(x.quasi_p));
  }
  out += "\n    ]}\n}\n";
  return out;
}

}  // namespace

void write_discovery_file(const std::string& path, const DiscoverySource& source, const DiscoveryHeader& header,
                          const PrimData& data, const PrimResult& result, std::size_t chosen,
                          OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    write_layout(root, source, header, data, result, chosen, w);
  });
}

std::string format_discovery_table(const DiscoverySource& source, const DiscoveryHeader& header, const PrimData& data,
                                   const PrimResult& result, std::size_t chosen, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return format_csv(source, data, result, chosen);
    case TableFormat::json: return format_json(source, header, data, result, chosen);
    case TableFormat::text: break;
  }
  return format_text(source, header, data, result, chosen);
}

}  // namespace innosim
