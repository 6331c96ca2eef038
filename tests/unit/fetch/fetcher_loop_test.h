// What the Fetcher's tests share: the io_context the fetcher runs on, driven from the test's
// own thread (so handlers run there), a bounded wait, and "start these requests together and
// wait until each handler has run exactly once".
#ifndef POLICYD_TESTS_UNIT_FETCH_FETCHER_LOOP_TEST_H_
#define POLICYD_TESTS_UNIT_FETCH_FETCHER_LOOP_TEST_H_

#include <algorithm>
#include <chrono>
#include <functional>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "policyd/fetcher.h"

namespace policyd {

class FetcherLoopTest : public ::testing::Test {
 protected:
  using Clock = std::chrono::steady_clock;

  // Runs the io_context until `done` or `limit`; returns `done()`.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::milliseconds(10'000)) {
    const Clock::time_point deadline = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() > deadline) return false;
      io_.run_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // Starts every request at once and waits for all handlers, checking each runs once.
  std::vector<FetchResponse> FetchAll(
      Fetcher& fetcher, const std::vector<FetchRequest>& requests,
      std::chrono::milliseconds limit = std::chrono::milliseconds(20'000)) {
    std::vector<FetchResponse> responses(requests.size());
    std::vector<int> calls(requests.size(), 0);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      fetcher.Fetch(requests[i], [&responses, &calls, i](FetchResponse response) {
        responses[i] = std::move(response);
        ++calls[i];
      });
    }
    EXPECT_TRUE(RunUntil([&] { return std::count(calls.begin(), calls.end(), 0) == 0; }, limit));
    io_.run_for(std::chrono::milliseconds(20));  // a second call would show up here
    EXPECT_EQ(calls, std::vector<int>(requests.size(), 1));
    return responses;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
};

}  // namespace policyd

#endif  // POLICYD_TESTS_UNIT_FETCH_FETCHER_LOOP_TEST_H_
