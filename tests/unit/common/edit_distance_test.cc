#include "policyd/edit_distance.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("interval", "interval"), 0u);
  EXPECT_EQ(EditDistance("intervl", "interval"), 1u);    // one insertion
  EXPECT_EQ(EditDistance("intervall", "interval"), 1u);  // one deletion
  EXPECT_EQ(EditDistance("google", "goagle"), 1u);       // one substitution
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("sitting", "kitten"), 3u);  // symmetric
}

}  // namespace
}  // namespace policyd
