// Scenario loading: read the file, resolve `extends` into one merged tree
// that keeps every value's location (detail/extends.hpp), then validate it
// into a Scenario (detail/scenario_reader.hpp), collecting every problem.
//
// A value that a file overrides never reaches the merged tree, yet it was
// written and may be wrong: it is checked where it was written — in the tree
// of its own file merged with that file's parents — and its problems are
// reported with the others (docs/scenario-reference.md, "Inheritance").

#include <filesystem>
#include <stdexcept>

#include "innosim/scenario/limits.hpp"
#include "innosim/scenario/scenario.hpp"
#include "scenario/detail/extends.hpp"
#include "scenario/detail/scenario_reader.hpp"

namespace innosim {

namespace {

namespace fs = std::filesystem;

// Problems of overridden values, each checked in the tree of the file that
// wrote it; only those at an overridden value of that file are new.
void check_overridden(const detail::ExtendsResult& r, std::vector<Problem>& problems, std::size_t& more) {
  std::set<std::tuple<detail::LocKey, std::string, std::string>> seen;
  for (const Problem& p : problems) seen.emplace(detail::loc_key(p.where), p.key, p.message);
  for (const auto& [file, tree] : r.overridden_in) {
    Scenario scratch;
    std::vector<Problem> found;
    detail::ScenarioReader reader(scratch, found);
    reader.run(tree);
    for (Problem& p : found) {
      if (p.where.file != file || !r.overridden.count(detail::loc_key(p.where))) continue;
      if (!seen.emplace(detail::loc_key(p.where), p.key, p.message).second) continue;
      if (problems.size() >= limits::kProblemsKept)
        ++more;
      else
        problems.push_back(std::move(p));
    }
    more += reader.more();
  }
}

}  // namespace

Scenario load_scenario(const std::string& path) {
  const std::string text = detail::read_input_file(path, "scenario file");
  const fs::path dir = fs::path(path).parent_path();
  return load_scenario_text(text, path, dir.empty() ? "." : dir.string());
}

namespace {

Scenario load(const std::string& text, const std::string& name, const std::string& base_dir,
              const std::vector<std::pair<std::string, std::string>>* stored) {
  std::vector<Problem> problems;
  std::vector<std::pair<std::string, std::string>> files;
  const fs::path dir = base_dir.empty() ? fs::path(".") : fs::path(base_dir);
  if (text.size() > limits::kScenarioFileBytes)
    throw ScenarioError(std::vector<Problem>{
        Problem{SourceLoc{name, 0, 0}, "",
                "cannot read the scenario file: the file has " + std::to_string(text.size()) +
                    " bytes, more than the " + std::to_string(limits::kScenarioFileBytes) + " allowed"}});
  detail::ExtendsResult r = detail::resolve_extends(text, name, dir, files, problems, stored);
  if (!r.root) throw ScenarioError(std::move(problems));

  Scenario s;
  s.files = std::move(files);
  s.where = {name, 0, 0};
  detail::ScenarioReader reader(s, problems);
  reader.run(*r.root);
  std::size_t more = reader.more();
  check_overridden(r, problems, more);
  if (!problems.empty()) throw ScenarioError(std::move(problems), more);
  return s;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& name, const std::string& base_dir) {
  return load(text, name, base_dir, nullptr);
}

Scenario load_scenario_files(const std::vector<std::pair<std::string, std::string>>& files) {
  if (files.empty()) throw std::invalid_argument("load_scenario_files: no files");
  const fs::path dir = fs::path(files.front().first).parent_path();
  return load(files.front().second, files.front().first, dir.empty() ? "." : dir.string(), &files);
}

}  // namespace innosim
