#pragma once
// A TOML document as a tree that keeps every value's source location
// (file:line:col). toml++ drops locations when a node is copied, and merging
// files (`extends`) needs copies, so each file is converted once into this
// tree. Also how a message says what a node holds ("got an array of 3
// elements"). Internal to the engine: scenario files, and any other TOML input
// the engine reads, go through it and through TreeReader (tree_reader.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "innosim/scenario/scenario.hpp"  // SourceLoc, Problem

namespace innosim::detail {

struct Entry;

struct Node {
  enum class T { table, array, string, integer, floating, boolean, other };
  T t = T::table;
  SourceLoc loc;      // where the value starts
  SourceLoc key_loc;  // where its key was written (children of tables)
  std::string s;      // a string's value; for T::other, what it is ("a date")
  std::int64_t i = 0;
  double d = 0.0;
  bool b = false;
  std::vector<Entry> kids;  // table entries, sorted by key (get() searches them by halves)
  std::vector<Node> items;  // array elements

  bool is_table() const { return t == T::table; }
  bool is_number() const { return t == T::integer || t == T::floating; }
  double number() const { return t == T::integer ? static_cast<double>(i) : d; }
  const Node* get(std::string_view k) const;
  Node* get_mut(std::string_view k) { return const_cast<Node*>(std::as_const(*this).get(k)); }
  void erase(std::string_view k);
  Node& put(const std::string& k);
};

struct Entry {
  std::string key;
  Node value;
};

// Parses `text`, named `file` in every location. A syntax error becomes one
// Problem at its place ("TOML syntax error: ...") and nullopt; so does text
// beyond a size limit (innosim/scenario/limits.hpp: nesting depth, values,
// array length, table entries), found before the parser runs where it can
// be. The root table's location is the file itself (line 0).
std::optional<Node> parse_toml(const std::string& text, const std::string& file,
                               std::vector<Problem>& problems);

// The whole text of an input file, a regular file of at most
// limits::kScenarioFileBytes (innosim/util/input_file.hpp); otherwise one
// ScenarioError "cannot read the <what>: <why>".
std::string read_input_file(const std::string& path, std::string_view what);

// The limits parse_toml checks before parsing (toml_limits.cpp): false and
// one problem when `text` nests too deep, holds too many values or has too
// long an array.
bool check_toml_limits(std::string_view text, const std::string& file, std::vector<Problem>& problems);

// ---- Saying what was found ----

// Shortest of %g and the round-trip form that gives the number back exactly.
std::string fmt_num(double x);
// What a node holds, for "expected ..., got <this>".
std::string got(const Node& n);
std::string join(const std::vector<std::string>& v, std::string_view sep = ", ");
// "a.b" from "a" and "b"; "b" from "" and "b".
std::string child_path(const std::string& path, std::string_view key);
// Letters, digits and _, not starting with a digit.
bool is_identifier(std::string_view s);

}  // namespace innosim::detail
