// CompactVector: value semantics, no allocation while empty, the empty view shared.
#include "policyd/compact_vector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace policyd {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CompactVectorTest, IsOnePointerWide) {
  EXPECT_EQ(sizeof(CompactVector<std::string>), sizeof(void*));
}

TEST(CompactVectorTest, EmptyViewsAreTheOneSharedEmptyVector) {
  const CompactVector<std::string> a;
  const CompactVector<std::string> b = std::vector<std::string>{};
  const CompactVector<std::string> c = {"x"};
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(&a.view(), &b.view());
  EXPECT_NE(&a.view(), &c.view());
  const std::vector<std::string>& as_vector = a;  // the implicit conversion readers use
  EXPECT_EQ(&as_vector, &a.view());
  EXPECT_TRUE(as_vector.empty());
}

TEST(CompactVectorTest, MutableIterationOverAnEmptyOneDoesNothing) {
  CompactVector<std::string> empty;
  int visited = 0;
  for (std::string& element : empty) {
    element += "!";
    ++visited;
  }
  EXPECT_EQ(visited, 0);
  EXPECT_EQ(empty.begin(), empty.end());
}

TEST(CompactVectorTest, CopiesAreIndependent) {
  CompactVector<std::string> original = {"main", "nav"};
  CompactVector<std::string> copy = original;
  copy.push_back("footer");
  copy[0] = "article";
  EXPECT_THAT(original, ElementsAre("main", "nav"));
  EXPECT_THAT(copy, ElementsAre("article", "nav", "footer"));

  CompactVector<std::string> assigned;
  assigned = original;
  original.clear();
  EXPECT_THAT(assigned, ElementsAre("main", "nav"));
  EXPECT_TRUE(original.empty());
  const CompactVector<std::string>& same = assigned;
  assigned = same;  // self-assignment keeps the elements
  EXPECT_THAT(assigned, ElementsAre("main", "nav"));
}

TEST(CompactVectorTest, MovesTakeTheElementsAndLeaveTheSourceEmpty) {
  CompactVector<std::string> source = {"a", "b"};
  const std::string* first = &source[0];
  CompactVector<std::string> moved = std::move(source);
  EXPECT_EQ(&moved[0], first);  // the elements themselves, not a copy
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): the contract says empty
  CompactVector<std::string> target = {"old"};
  target = std::move(moved);
  EXPECT_THAT(target, ElementsAre("a", "b"));
  EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(CompactVectorTest, EqualityComparesElements) {
  const CompactVector<int> a = {1, 2};
  const CompactVector<int> b = std::vector<int>{1, 2};
  const CompactVector<int> c = {2, 1};
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  EXPECT_EQ(a, (std::vector<int>{1, 2}));
  EXPECT_EQ((std::vector<int>{1, 2}), a);
  EXPECT_FALSE(a == std::vector<int>{});
  EXPECT_EQ(CompactVector<int>(), CompactVector<int>(std::vector<int>{}));
}

TEST(CompactVectorTest, MutatorsBehaveAsAVectorsDo) {
  CompactVector<std::string> list;
  list.push_back("one");
  std::string two = "two";
  list.push_back(two);
  list.emplace_back("three and more", 5);  // std::string(const char*, count): constructed in place
  EXPECT_THAT(list, ElementsAre("one", "two", "three"));
  EXPECT_EQ(list.size(), 3u);

  const std::vector<std::string> source = {"p", "q", "r"};
  list.assign(source.begin() + 1, source.end());
  EXPECT_THAT(list, ElementsAre("q", "r"));
  list.assign(source.end(), source.end());
  EXPECT_THAT(list, IsEmpty());

  list = std::vector<std::string>{"s"};
  EXPECT_THAT(list.view(), ElementsAre("s"));
  list = {};
  EXPECT_TRUE(list.empty());
}

}  // namespace
}  // namespace policyd
