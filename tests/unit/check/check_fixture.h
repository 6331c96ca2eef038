// A real store in a fresh temporary directory and one compiled document spec, for tests that
// run ProcessCheck (check_processor_test.cc, render_choice_test.cc).
#ifndef POLICYD_TESTS_UNIT_CHECK_CHECK_FIXTURE_H_
#define POLICYD_TESTS_UNIT_CHECK_CHECK_FIXTURE_H_

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "policyd/check.h"
#include "policyd/clock.h"
#include "policyd/config.h"
#include "policyd/store.h"

namespace policyd {

// A wall clock the test sets: starts at the real time (so schedules look as in the daemon).
class ManualCheckClock final : public CheckClock {
 public:
  int64_t NowUnixMillis() const override { return now_ms; }
  int64_t NowUnixMicros() const override { return now_ms * 1000; }
  int64_t now_ms = policyd::NowUnixMillis();
};

class CheckFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("policyd-check-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto opened = Store::Open(dir_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    spec_.id = "acme/privacy-policy";
    spec_.platform = "Acme";
    spec_.type = "Privacy Policy";
    spec_.url = "https://acme.example/privacy";
    ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  DocumentSpec spec_;
  DocState state_;  // the document's state, carried from one check to the next
  std::mt19937_64 rng_{1};
  ManualCheckClock clock_;
};

}  // namespace policyd

#endif  // POLICYD_TESTS_UNIT_CHECK_CHECK_FIXTURE_H_
