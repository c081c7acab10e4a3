// Scenario loading: read the file, resolve `extends` into one merged tree
// that keeps every value's location (detail/extends.hpp), then validate it
// into a Scenario (detail/scenario_reader.hpp), collecting every problem.

#include <filesystem>

#include "scenario/detail/extends.hpp"
#include "scenario/detail/scenario_reader.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

namespace fs = std::filesystem;

Scenario load_scenario(const std::string& path) {
  const std::string text = detail::read_input_file(path, "scenario file");
  const fs::path dir = fs::path(path).parent_path();
  return load_scenario_text(text, path, dir.empty() ? "." : dir.string());
}

Scenario load_scenario_text(const std::string& text, const std::string& name, const std::string& base_dir) {
  std::vector<Problem> problems;
  std::vector<std::pair<std::string, std::string>> files;
  const fs::path dir = base_dir.empty() ? fs::path(".") : fs::path(base_dir);
  std::optional<detail::Node> root = detail::resolve_extends(text, name, dir, files, problems);
  if (!root) throw ScenarioError(std::move(problems));

  Scenario s;
  s.files = std::move(files);
  s.where = {name, 0, 0};
  detail::ScenarioReader(s, problems).run(*root);
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  return s;
}

}  // namespace innosim
