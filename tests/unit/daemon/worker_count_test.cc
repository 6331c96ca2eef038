#include "worker_count.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

// worker_threads = 0 means one per core, but at most kMaxDefaultWorkers: on a 64-core host
// the daemon's threads must stay within the unit's TasksMax (systemd/policyd.service.in),
// where one thread too many aborted the start.
TEST(WorkerCountTest, TheDefaultIsOnePerCoreUpToItsCap) {
  EXPECT_EQ(WorkerThreadCount(0, 2), 2u);
  EXPECT_EQ(WorkerThreadCount(0, 16), 16u);
  EXPECT_EQ(WorkerThreadCount(0, 64), kMaxDefaultWorkers);
  EXPECT_EQ(WorkerThreadCount(0, 0), 1u);  // hardware_concurrency() unknown
}

TEST(WorkerCountTest, AnExplicitCountIsKept) {
  EXPECT_EQ(WorkerThreadCount(1, 64), 1u);
  EXPECT_EQ(WorkerThreadCount(40, 2), 40u);
}

}  // namespace
}  // namespace policyd
