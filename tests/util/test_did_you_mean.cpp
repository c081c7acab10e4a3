// did_you_mean: the closest known name to a misspelt one.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "innosim/util/did_you_mean.hpp"

using namespace innosim;

TEST_CASE("did_you_mean picks the closest candidate within a few edits", "[util]") {
  const std::vector<std::string> c = {"levers", "parameters", "targets", "regions", "fiscal_rd_zone"};
  CHECK(did_you_mean("levrs", c) == "levers");
  CHECK(did_you_mean("paramters", c) == "parameters");
  CHECK(did_you_mean("Targets", c) == "targets");     // case differences count as none
  CHECK(did_you_mean("tragets", c) == "targets");     // a transposition is one edit
  CHECK(did_you_mean("fiscal_rd_zon", c) == "fiscal_rd_zone");
  CHECK(did_you_mean("xyz", c).empty());
  CHECK(did_you_mean("horizon", c).empty());
  CHECK(did_you_mean("levers", c).empty());  // not a typo of itself
  CHECK(did_you_mean("x", {"id"}).empty());
  CHECK(did_you_mean("ab", {"abc", "ab_"}) == "abc");  // ties: first candidate
  CHECK(did_you_mean("anything", {}).empty());
}

TEST_CASE("did_you_mean_hint is a clause to append, or nothing", "[util]") {
  CHECK(did_you_mean_hint("levrs", {"levers", "targets"}) == " — did you mean 'levers'?");
  CHECK(did_you_mean_hint("xyz", {"levers", "targets"}).empty());
}
