// The located TOML tree: conversion from toml++ and descriptions of nodes.

#include "scenario/detail/toml_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>
#include <toml++/toml.h>

#include "innosim/scenario/limits.hpp"
#include "innosim/util/input_file.hpp"

namespace innosim::detail {

namespace {

auto find_entry(const std::vector<Entry>& kids, std::string_view k) {
  return std::lower_bound(kids.begin(), kids.end(), k,
                          [](const Entry& e, std::string_view key) { return e.key < key; });
}

}  // namespace

const Node* Node::get(std::string_view k) const {
  const auto it = find_entry(kids, k);
  return it != kids.end() && it->key == k ? &it->value : nullptr;
}

void Node::erase(std::string_view k) {
  const auto it = find_entry(kids, k);
  if (it != kids.end() && it->key == k) kids.erase(kids.begin() + (it - kids.cbegin()));
}

Node& Node::put(const std::string& k) {
  auto it = std::lower_bound(kids.begin(), kids.end(), k,
                             [](const Entry& e, const std::string& key) { return e.key < key; });
  if (it != kids.end() && it->key == k) return it->value;
  return kids.insert(it, Entry{k, Node{}})->value;
}

namespace {

SourceLoc loc_of(const toml::source_region& r, const std::string& file) {
  return {file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

// Converts a parsed document; a table or array of tables beyond its limit
// becomes a problem (the parser's own limits keep the recursion shallow:
// check_toml_limits ran first).
struct Converter {
  const std::string& file;
  std::vector<Problem>& problems;
  bool ok = true;

  bool within(std::size_t size, std::size_t limit, const toml::node& n, const char* what) {
    if (size <= limit) return true;
    problems.push_back({loc_of(n.source(), file), "",
                        fmt::format("{} of {} entries, more than the {} allowed", what, size, limit)});
    ok = false;
    return false;
  }

  Node convert(const toml::node& n);
};

Node Converter::convert(const toml::node& n) {
  Node out;
  out.loc = loc_of(n.source(), file);
  switch (n.type()) {
    case toml::node_type::table:
      out.t = Node::T::table;
      if (!within(n.as_table()->size(), limits::kTableEntries, n, "a table")) break;
      for (auto&& [k, v] : *n.as_table()) {
        Node child = convert(v);
        child.key_loc = loc_of(k.source(), file);
        if (child.key_loc.line <= 0) child.key_loc = child.loc;
        out.kids.push_back(Entry{std::string(k.str()), std::move(child)});
      }
      std::sort(out.kids.begin(), out.kids.end(),
                [](const Entry& a, const Entry& b) { return a.key < b.key; });
      break;
    case toml::node_type::array:
      out.t = Node::T::array;
      if (!within(n.as_array()->size(), limits::kArrayLength, n, "an array")) break;
      for (const toml::node& v : *n.as_array()) out.items.push_back(convert(v));
      break;
    case toml::node_type::string:
      out.t = Node::T::string;
      out.s = n.as_string()->get();
      break;
    case toml::node_type::integer:
      out.t = Node::T::integer;
      out.i = n.as_integer()->get();
      break;
    case toml::node_type::floating_point:
      out.t = Node::T::floating;
      out.d = n.as_floating_point()->get();
      break;
    case toml::node_type::boolean:
      out.t = Node::T::boolean;
      out.b = n.as_boolean()->get();
      break;
    case toml::node_type::date:
      out.t = Node::T::other;
      out.s = "a date";
      break;
    case toml::node_type::time:
      out.t = Node::T::other;
      out.s = "a time";
      break;
    default:
      out.t = Node::T::other;
      out.s = "a date-time";
      break;
  }
  return out;
}

}  // namespace

std::optional<Node> parse_toml(const std::string& text, const std::string& file,
                               std::vector<Problem>& problems) {
  if (!check_toml_limits(text, file, problems)) return std::nullopt;
  Node root;
  try {
    toml::table t = toml::parse(text, file);
    Converter c{file, problems};
    root = c.convert(t);
    if (!c.ok) return std::nullopt;
  } catch (const toml::parse_error& e) {
    problems.push_back({loc_of(e.source(), file), "", fmt::format("TOML syntax error: {}", e.description())});
    return std::nullopt;
  }
  root.loc = {file, 0, 0};
  return root;
}

std::string read_input_file(const std::string& path, std::string_view what) {
  std::string why;
  std::optional<std::string> text = innosim::read_input_file(path, limits::kScenarioFileBytes, why);
  if (!text)
    throw ScenarioError(
        std::vector<Problem>{Problem{SourceLoc{path, 0, 0}, "", fmt::format("cannot read the {}: {}", what, why)}});
  return std::move(*text);
}

std::string fmt_num(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::string g = fmt::format("{:g}", x);
  if (std::strtod(g.c_str(), nullptr) == x) return g;
  return fmt::format("{}", x);
}

std::string got(const Node& n) {
  switch (n.t) {
    case Node::T::table:
      return "a table";
    case Node::T::array:
      return fmt::format("an array of {} element{}", n.items.size(), n.items.size() == 1 ? "" : "s");
    case Node::T::string:
      return fmt::format("the string \"{}\"", n.s);
    case Node::T::integer:
      return std::to_string(n.i);
    case Node::T::floating:
      return fmt_num(n.d);
    case Node::T::boolean:
      return n.b ? "the boolean true" : "the boolean false";
    case Node::T::other:
      return n.s;
  }
  return "?";
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

}  // namespace innosim::detail
