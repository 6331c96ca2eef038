// RunParts: each part once, each on a thread of its own while the caller waits (the daemon's
// two malloc arenas are then one per part, not shared with the caller).
#include "policyd/parallel.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace policyd {
namespace {

TEST(RunPartsTest, EachPartRunsOnceOnItsOwnThread) {
  std::mutex mutex;
  std::vector<int> runs(5, 0);
  std::set<std::thread::id> threads;
  RunParts(5, [&](std::size_t part) {
    const std::lock_guard lock(mutex);
    ++runs[part];
    threads.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(runs, std::vector<int>(5, 1));
  EXPECT_EQ(threads.size(), 5u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(RunPartsTest, OnePartRunsOnTheCallerAndNoneRunsNothing) {
  std::vector<std::thread::id> seen;
  RunParts(1, [&](std::size_t part) {
    EXPECT_EQ(part, 0u);
    seen.push_back(std::this_thread::get_id());
  });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::this_thread::get_id());
  RunParts(0, [&](std::size_t) { seen.push_back(std::this_thread::get_id()); });
  EXPECT_EQ(seen.size(), 1u);
}

}  // namespace
}  // namespace policyd
