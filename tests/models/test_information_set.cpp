// The shipped scenarios' information set: the plan is a forecast as of 2016
// (statistics up to 2015, studies published before 2017), so no source string
// of the plan or of any file it extends may cite evidence dated 2017 or later,
// unless the source marks it as left out ("Excluded: ..." at its end). The
// hindcast and the what-ifs are held to the same rule.

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "innosim/scenario/scenario.hpp"

using namespace innosim;

namespace {

const std::string kScenarios = std::string(INNOSIM_SOURCE_DIR) + "/scenarios";

// Years from 2017 on that `text` cites as evidence. Not evidence: the part
// from "Excluded:" on (what the source names in order to leave it out), and
// plan time: a year after "from", "for", "until", "to", "by", "through", "in",
// "over", "after", "before", "end of" or "the" (with an optional day and
// month: "to 31 December 2020"), or the end of a range ("2011-2020"). Always
// evidence: a year after "published", "issued", "posted", "released",
// "revised", "dated" or "edition", or before "年", "statistical", "bulletin",
// "yearbook", "edition", "report", "survey" or "census"; and any other year,
// such as an author-year citation "(Chen 2018)", a journal year "AER 2021"
// or a document number "〔2017〕47号".
std::vector<std::string> late_evidence(const std::string& text) {
  static const std::regex year(R"(\b20(1[7-9]|[2-9][0-9])\b)");
  static const std::regex dated(
      R"((published|issued|posted|released|revised|dated|edition)\s+(in\s+|on\s+)?([0-9]{1,2}\s+[A-Z][a-z]+\s+)?$)");
  static const std::regex plan_time(
      R"(\b(from|for|until|to|by|through|in|over|after|before|end of|the)\s+([0-9]{1,2}\s+[A-Z][a-z]+\s+)?$)");
  static const std::regex range_end(R"(\b(19|20)[0-9]{2}\s*[-–]\s*$)");
  static const std::regex document(R"(^\s*(年|statistical|bulletin|yearbook|edition|report|survey|census))");
  const std::string scanned = text.substr(0, text.find("Excluded:"));
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(scanned.begin(), scanned.end(), year); it != std::sregex_iterator(); ++it) {
    const std::size_t at = static_cast<std::size_t>(it->position());
    const std::string before = scanned.substr(at >= 40 ? at - 40 : 0, at >= 40 ? 40 : at);
    const std::string after = scanned.substr(at + 4, 30);
    const bool evidence = std::regex_search(before, dated) || std::regex_search(after, document) ||
                          !(std::regex_search(before, plan_time) || std::regex_search(before, range_end));
    if (evidence) out.push_back(it->str());
  }
  return out;
}

struct Hit {
  std::string where, year, text;
};

// Every source string a scenario uses: the resolved levers, parameters,
// matrices, target notes and description, and every `source = "..."` and
// `note = "..."` written in the file or any file it extends (a parent's
// string a child overrides still belongs to the parent's information set).
std::vector<Hit> scan(const Scenario& s) {
  std::vector<Hit> hits;
  auto check = [&](const std::string& where, const std::string& text) {
    for (const std::string& y : late_evidence(text)) hits.push_back({where, y, text});
  };
  check(s.name + ": description", s.description);
  for (const Lever& l : s.levers) check("levers." + l.id, l.source);
  for (const Parameter& p : s.parameters) check("parameters." + p.id, p.source);
  for (const auto& [id, m] : s.matrices) check("model_matrices." + id, m.source);
  for (const Target& t : s.targets) check("target " + t.indicator + " " + std::to_string(t.year), t.note);
  static const std::regex written(R"re((?:^|\n)\s*(?:source|note)\s*=\s*"([^"\n]*)")re");
  for (const auto& [path, text] : s.files)
    for (auto it = std::sregex_iterator(text.begin(), text.end(), written); it != std::sregex_iterator(); ++it)
      check(std::filesystem::path(path).filename().string(), (*it)[1].str());
  return hits;
}

}  // namespace

TEST_CASE("information set: the scanner finds evidence dated after 2016 and leaves plan years alone",
          "[models][information_set]") {
  using V = std::vector<std::string>;
  CHECK(late_evidence("Chen, Liu, Suarez Serrato & Xu (AER 2021; NBER WP 2018)") == V{"2021", "2018"});
  CHECK(late_evidence("Zhang & Zheng (经济研究 2018): applications are distorted") == V{"2018"});
  CHECK(late_evidence("宁党发〔2017〕47号") == V{"2017"});
  CHECK(late_evidence("2018年宁夏科技统计公报, table 3") == V{"2018"});
  CHECK(late_evidence("Ningxia S&T Department (published 3 July 2018)") == V{"2018"});
  CHECK(late_evidence("94 high-tech enterprises in July 2018 (央广网)") == V{"2018"});
  CHECK(late_evidence("the 2017 statistical bulletin, published in 2018") == V{"2017", "2018"});

  CHECK(late_evidence("plan 四(三): 200 million yuan a year from 2017; none before") == V{});
  CHECK(late_evidence("plan 四(三): only the 2017 amount is fixed; from 2018 the amount is set each year") == V{});
  CHECK(late_evidence("Caishui [2011] 58: 15 %, 1 January 2011 to 31 December 2020 (Caishui [2001] 202)") == V{});
  CHECK(late_evidence("Western Development encouraged industries (Caishui [2011] 58, 2011-2020)") == V{});
  CHECK(late_evidence("grants grow >= 10 % a year on average over 2016-2020") == V{});
  CHECK(late_evidence("long run 1.29. Excluded: Chen et al. (AER 2021; NBER WP 2018) - published after the plan") ==
        V{});
  CHECK(late_evidence("Boeing (2016), Research Policy 45(9); Li (2012)") == V{});
}

TEST_CASE("information set: the shipped scenarios cite no evidence dated after 2016 unless marked excluded",
          "[models][information_set]") {
  // The calibrated plan's posterior was calibrated to observed 2010-2015
  // statistics (observed-2010-2015.toml), within the same information set.
  for (const char* f : {"plan-2016-2020.toml", "plan-2016-2020-calibrated.toml", "baseline.toml",
                        "hindcast-2010-2015.toml", "whatif-double-fiscal-rd.toml",
                        "whatif-all-to-enterprise-subsidies.toml", "whatif-incubators-and-maker-spaces.toml",
                        "whatif-different-split.toml"}) {
    const Scenario s = load_scenario(kScenarios + "/" + f);
    INFO(f);
    CHECK(s.files.size() >= 2);  // the plan's parents are scanned with it
    for (const Hit& h : scan(s)) {
      INFO(h.where << ": " << h.year << " in \"" << h.text << "\"");
      CHECK(h.year.empty());  // fails: evidence dated after 2016 not marked "Excluded:"
    }
  }
}

TEST_CASE("information set: a derived scenario citing a 2018 study is caught", "[models][information_set]") {
  const std::string text = R"([scenario]
extends = "plan-2016-2020.toml"
name = "late"
[parameters.subsidy_additionality]
source = "Zhang & Zheng (2018), 经济研究: a later estimate"
)";
  const Scenario s = load_scenario_text(text, "late.toml", kScenarios);
  const std::vector<Hit> hits = scan(s);
  REQUIRE(!hits.empty());
  CHECK(hits.front().year == "2018");
}
