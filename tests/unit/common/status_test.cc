#include "policyd/status.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(Status, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  const Status s = Status::InvalidArgument("bad thing");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.ToString(), "invalid argument: bad thing");
  EXPECT_TRUE(Status::NotFound("x").IsNotFound());
  EXPECT_EQ(Status::PermissionDenied("join group 'policyd'").ToString(),
            "permission denied: join group 'policyd'");
}

TEST(Result, CarriesValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  Result<int> bad = Status::IoError("disk");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "disk");
}

}  // namespace
}  // namespace policyd
