// Following and merging `extends` graphs of scenario files.

#include "scenario/detail/extends.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "innosim/scenario/limits.hpp"
#include "innosim/util/input_file.hpp"
#include "scenario/detail/scenario_reader.hpp"  // all_distribution_keys

namespace innosim::detail {

namespace {

namespace fs = std::filesystem;

// Where overridden values were: every location in a replaced subtree.
struct Overridden {
  std::set<LocKey>& locs;
  void add(const Node& n) {
    locs.insert(loc_key(n.loc));
    if (n.key_loc.line > 0) locs.insert(loc_key(n.key_loc));
    for (const Entry& e : n.kids) add(e.value);
    for (const Node& i : n.items) add(i);
  }
  void erase(Node& table, std::string_view key) {
    if (const Node* n = table.get(key)) {
      add(*n);
      table.erase(key);
    }
  }
};

// The parameter rule: a table that sets `dist` replaces the parent's
// distribution wholesale; for levers, a zone path replaces a per-region one
// and vice versa (both at once would be an error). A [scenario] that sets its
// own `name` is another scenario: it inherits none of the parent's display
// names and descriptions (a what-if must not be shown under the plan's name).
void drop_replaced(Node& base, const Node& over, const std::string& path, Overridden& gone) {
  if (path == "scenario" && over.get("name")) {
    for (const char* k : {"name_en", "name_zh", "description", "description_zh"}) gone.erase(base, k);
    return;
  }
  const auto count_dots = std::count(path.begin(), path.end(), '.');
  const bool parameter = path.rfind("parameters.", 0) == 0 && count_dots == 1;
  const bool parameter_region =
      path.rfind("parameters.", 0) == 0 && count_dots == 3 && path.find(".by_region.") != std::string::npos;
  const bool lever = path.rfind("levers.", 0) == 0 && count_dots == 1;
  if (parameter || parameter_region) {
    const bool sets_dist = over.get("dist") != nullptr;
    const bool sets_regions = parameter && over.get("by_region") != nullptr;
    if (sets_dist || sets_regions)
      for (const std::string& k : all_distribution_keys()) gone.erase(base, k);
    if (parameter && sets_dist) gone.erase(base, "by_region");
  }
  if (lever) {
    if (over.get("years") || over.get("values")) gone.erase(base, "by_region");
    if (over.get("by_region")) {
      gone.erase(base, "years");
      gone.erase(base, "values");
    }
  }
}

// `over` on top of `base`: tables merge key by key, anything else replaces.
// Both entry lists are sorted, so one pass merges them.
void merge(Node& base, Node&& over, const std::string& path, Overridden& gone) {
  drop_replaced(base, over, path, gone);
  base.loc = over.loc;
  if (over.key_loc.line > 0) base.key_loc = over.key_loc;
  std::vector<Entry> out;
  out.reserve(base.kids.size() + over.kids.size());
  auto b = base.kids.begin();
  auto o = over.kids.begin();
  while (b != base.kids.end() || o != over.kids.end()) {
    if (o == over.kids.end() || (b != base.kids.end() && b->key < o->key)) {
      out.push_back(std::move(*b++));
    } else if (b == base.kids.end() || o->key < b->key) {
      out.push_back(std::move(*o++));
    } else {
      if (b->value.is_table() && o->value.is_table()) {
        merge(b->value, std::move(o->value), child_path(path, b->key), gone);
        out.push_back(std::move(*b));
      } else {
        gone.add(b->value);
        out.push_back(std::move(*o));
      }
      ++b;
      ++o;
    }
  }
  base.kids = std::move(out);
}

void present(const Node& n, std::set<LocKey>& locs) {
  locs.insert(loc_key(n.loc));
  if (n.key_loc.line > 0) locs.insert(loc_key(n.key_loc));
  for (const Entry& e : n.kids) present(e.value, locs);
  for (const Node& i : n.items) present(i, locs);
}

// One `extends` entry of a file.
struct ParentRef {
  SourceLoc at;
  std::string rel;
};

// One file of the graph.
struct File {
  std::string shown;  // as in messages
  std::string id;     // canonical path: the same file reached two ways is one
  fs::path dir;       // its parents are relative to this
  std::optional<Node> tree;  // parsed, without `extends`
  std::vector<ParentRef> refs;
  std::vector<std::size_t> parents;
  std::optional<Node> merged;  // with its parents
  bool ok = true;
};

std::string identity(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return (ec ? p.lexically_normal() : c).string();
}

class Resolver {
 public:
  Resolver(std::vector<std::pair<std::string, std::string>>& files, std::vector<Problem>& problems,
           const std::vector<std::pair<std::string, std::string>>* stored)
      : files_(files), problems_(problems), stored_(stored) {}

  ExtendsResult run(const std::string& text, const std::string& name, const fs::path& dir);

 private:
  std::vector<std::pair<std::string, std::string>>& files_;
  std::vector<Problem>& problems_;
  const std::vector<std::pair<std::string, std::string>>* stored_;  // read parents from here, not disk
  std::vector<File> nodes_;
  std::map<std::string, std::size_t> by_id_;
  std::vector<std::size_t> chain_;  // the files being loaded, outermost first
  std::size_t bytes_ = 0;
  std::set<LocKey> overridden_;

  void add(const SourceLoc& at, std::string msg) {
    problems_.push_back({at, "scenario.extends", std::move(msg)});
  }
  std::string chain_text(const std::string& last) const {
    std::vector<std::string> names;
    for (std::size_t i : chain_) names.push_back(nodes_[i].shown);
    names.push_back(last);
    return join(names, " -> ");
  }
  std::size_t add_file(std::string shown, std::string id, fs::path dir, std::string text);
  // The index of the file `ref` names, or nullopt (with a problem) when it
  // cannot be one of this graph's files.
  std::optional<std::size_t> follow(const File& child, const ParentRef& ref);
  void merge_file(File& f);
};

std::size_t Resolver::add_file(std::string shown, std::string id, fs::path dir, std::string text) {
  bytes_ += text.size();
  files_.emplace_back(shown, std::move(text));
  File f;
  f.shown = std::move(shown);
  f.id = std::move(id);
  f.dir = dir.empty() ? fs::path(".") : std::move(dir);
  f.tree = parse_toml(files_.back().second, f.shown, problems_);
  f.ok = f.tree.has_value();
  if (f.tree) {
    if (Node* sc = f.tree->get_mut("scenario"); sc && sc->is_table()) {
      if (const Node* ex = sc->get("extends")) {
        if (ex->t == Node::T::string) {
          f.refs.push_back({ex->loc, ex->s});
        } else if (ex->t == Node::T::array) {
          for (std::size_t k = 0; k < ex->items.size(); ++k) {
            const Node& item = ex->items[k];
            if (item.t == Node::T::string) {
              f.refs.push_back({item.loc, item.s});
            } else {
              problems_.push_back({item.loc, fmt::format("scenario.extends[{}]", k),
                                   fmt::format("expected a file name (a string), got {}", got(item))});
              f.ok = false;
            }
          }
        } else {
          add(ex->loc, fmt::format("expected a file name or an array of file names, got {}", got(*ex)));
          f.ok = false;
        }
        sc->erase("extends");
      }
    }
  }
  by_id_.emplace(f.id, nodes_.size());
  nodes_.push_back(std::move(f));
  return nodes_.size() - 1;
}

std::optional<std::size_t> Resolver::follow(const File& child, const ParentRef& ref) {
  if (ref.rel.find('\0') != std::string::npos) {
    add(ref.at, "expected a file name, got a string with a NUL character (\\u0000) in it");
    return std::nullopt;
  }
  const fs::path file = (child.dir / ref.rel).lexically_normal();
  const std::string shown = file.string();
  const std::string id = identity(file);
  if (std::any_of(chain_.begin(), chain_.end(), [&](std::size_t i) { return nodes_[i].id == id; })) {
    add(ref.at, "extends cycle: " + chain_text(shown));
    return std::nullopt;
  }
  if (const auto it = by_id_.find(id); it != by_id_.end()) return it->second;  // read already
  if (chain_.size() >= limits::kExtendsDepth) {
    add(ref.at, fmt::format("extends chain longer than {} files: {}", limits::kExtendsDepth, chain_text(shown)));
    return std::nullopt;
  }
  if (nodes_.size() >= limits::kExtendsFiles) {
    add(ref.at, fmt::format("more than {} files in the extends graph (reading '{}')", limits::kExtendsFiles, shown));
    return std::nullopt;
  }
  const std::size_t left = limits::kScenarioTotalBytes - std::min(bytes_, limits::kScenarioTotalBytes);
  const std::size_t cap = std::min(limits::kScenarioFileBytes, left);
  std::string why;
  std::optional<std::string> text;
  if (stored_ != nullptr) {
    const auto it = std::find_if(stored_->begin(), stored_->end(), [&](const auto& f) { return f.first == shown; });
    if (it != stored_->end() && it->second.size() <= cap)
      text = it->second;
    else
      why = it == stored_->end() ? "not among the stored scenario files" : "more than the bytes allowed";
  } else {
    text = innosim::read_input_file(file.string(), cap, why);
  }
  if (!text) {
    if (cap < limits::kScenarioFileBytes && why.find("more than") != std::string::npos)
      why = fmt::format("the files of this scenario together have more than the {} bytes allowed",
                        limits::kScenarioTotalBytes);
    add(ref.at, fmt::format("cannot read parent file '{}': {}; chain: {}", shown, why, chain_text(shown)));
    return std::nullopt;
  }
  return add_file(shown, id, file.parent_path(), std::move(*text));
}

void Resolver::merge_file(File& f) {
  for (std::size_t p : f.parents) f.ok = f.ok && nodes_[p].ok;
  if (!f.ok) return;
  Overridden gone{overridden_};
  Node merged;
  merged.loc = f.tree->loc;
  for (std::size_t p : f.parents) merge(merged, Node(*nodes_[p].merged), "", gone);
  merge(merged, std::move(*f.tree), "", gone);
  f.tree.reset();
  merged.loc = {f.shown, 0, 0};
  f.merged = std::move(merged);
}

ExtendsResult Resolver::run(const std::string& text, const std::string& name, const fs::path& dir) {
  const std::size_t top = add_file(name, identity(dir / fs::path(name).filename()), dir, text);
  // Depth first without recursion: each frame is a file and its next parent.
  std::vector<std::pair<std::size_t, std::size_t>> stack = {{top, 0}};
  chain_ = {top};
  while (!stack.empty()) {
    const auto [i, next] = stack.back();
    if (next < nodes_[i].refs.size()) {
      ++stack.back().second;
      const ParentRef ref = nodes_[i].refs[next];
      const std::optional<std::size_t> p = follow(nodes_[i], ref);
      if (!p) {
        nodes_[i].ok = false;
        continue;
      }
      nodes_[i].parents.push_back(*p);
      if (!nodes_[*p].merged && nodes_[*p].ok) {  // new: load its parents first
        stack.emplace_back(*p, 0);
        chain_.push_back(*p);
      }
      continue;
    }
    merge_file(nodes_[i]);
    stack.pop_back();
    chain_.pop_back();
  }

  ExtendsResult r;
  if (!nodes_[top].ok) return r;
  r.root = std::move(nodes_[top].merged);
  std::set<LocKey> kept;
  present(*r.root, kept);
  std::set<std::string> writers;
  for (const LocKey& k : overridden_) {
    if (kept.count(k)) continue;
    r.overridden.insert(k);
    writers.insert(std::get<0>(k));
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (i != top && writers.count(nodes_[i].shown)) r.overridden_in.emplace_back(nodes_[i].shown, std::move(*nodes_[i].merged));
  return r;
}

}  // namespace

ExtendsResult resolve_extends(const std::string& text, const std::string& name, const fs::path& dir,
                              std::vector<std::pair<std::string, std::string>>& files,
                              std::vector<Problem>& problems,
                              const std::vector<std::pair<std::string, std::string>>* stored) {
  return Resolver(files, problems, stored).run(text, name, dir);
}

}  // namespace innosim::detail
