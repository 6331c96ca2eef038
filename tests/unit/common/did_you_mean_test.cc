#include "policyd/did_you_mean.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("status", "status"), 0u);
  EXPECT_EQ(EditDistance("", "list"), 4u);
  EXPECT_EQ(EditDistance("lst", "list"), 1u);       // insertion
  EXPECT_EQ(EditDistance("listt", "list"), 1u);     // deletion
  EXPECT_EQ(EditDistance("lisy", "list"), 1u);      // substitution
  EXPECT_EQ(EditDistance("stauts", "status"), 2u);  // a swap is two edits
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(ClosestNames, ClosestFirstWithinTheDistanceAndLimit) {
  const std::vector<std::string> commands = {"status", "list", "show", "history", "segments"};
  EXPECT_EQ(ClosestNames("stauts", commands, 2, 3), std::vector<std::string>{"status"});
  EXPECT_EQ(ClosestNames("shwo", commands, 2, 3), std::vector<std::string>{"show"});
  EXPECT_TRUE(ClosestNames("frobnicate", commands, 2, 3).empty());
  // Equally close names keep their order; the limit cuts the list.
  const std::vector<std::string> keys = {"cat", "bat", "hat", "car"};
  EXPECT_EQ(ClosestNames("xat", keys, 1, 5), (std::vector<std::string>{"cat", "bat", "hat"}));
  EXPECT_EQ(ClosestNames("xat", keys, 1, 2), (std::vector<std::string>{"cat", "bat"}));
  EXPECT_EQ(ClosestNames("cax", keys, 1, 5), (std::vector<std::string>{"cat", "car"}));
  // A known name is not a typo.
  EXPECT_TRUE(ClosestNames("list", commands, 2, 3).empty());
}

TEST(ClosestNames, OverlongNamesAreNeverCompared) {
  const std::string long_name(kMaxSuggestedNameBytes + 1, 'a');
  EXPECT_TRUE(ClosestNames(long_name, {long_name.substr(1)}, 2, 3).empty());
  EXPECT_TRUE(ClosestNames(long_name.substr(2), {long_name}, 2, 3).empty());
}

TEST(QuotedAlternatives, JoinsWithCommasAndOr) {
  EXPECT_EQ(QuotedAlternatives({}), "");
  EXPECT_EQ(QuotedAlternatives({"a"}), "'a'");
  EXPECT_EQ(QuotedAlternatives({"a", "b", "c"}), "'a', 'b' or 'c'");
}

TEST(DidYouMean, NamesEveryCandidate) {
  EXPECT_EQ(DidYouMean({}), "");
  EXPECT_EQ(DidYouMean({"select"}), " (did you mean 'select'?)");
  EXPECT_EQ(DidYouMean({"a", "b"}), " (did you mean 'a' or 'b'?)");
  EXPECT_EQ(DidYouMean({"a", "b", "c"}), " (did you mean 'a', 'b' or 'c'?)");
}

}  // namespace
}  // namespace policyd
