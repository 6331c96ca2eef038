// Runs out of file descriptors on purpose: while a DescriptorLimit is in force, the soft
// RLIMIT_NOFILE is the lowest free descriptor number, so the next descriptor the process asks
// for (accept, socket, open) fails with EMFILE. The hard limit is left alone, and the previous
// soft limit comes back on Restore() or destruction (also when an assertion failed between).
#ifndef POLICYD_TESTS_SUPPORT_DESCRIPTOR_LIMIT_H_
#define POLICYD_TESTS_SUPPORT_DESCRIPTOR_LIMIT_H_

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

namespace policyd::testing {

class DescriptorLimit {
 public:
  DescriptorLimit() {
    if (::getrlimit(RLIMIT_NOFILE, &previous_) != 0) return;
    // Descriptors are handed out lowest first: the one open() gets is the lowest free number,
    // and no descriptor below it is free.
    const int lowest_free = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (lowest_free < 0) return;
    ::close(lowest_free);
    rlimit lowered = previous_;
    lowered.rlim_cur = static_cast<rlim_t>(lowest_free);
    in_force_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
  }
  ~DescriptorLimit() { Restore(); }
  DescriptorLimit(const DescriptorLimit&) = delete;
  DescriptorLimit& operator=(const DescriptorLimit&) = delete;

  bool in_force() const { return in_force_; }
  void Restore() {
    if (in_force_) ::setrlimit(RLIMIT_NOFILE, &previous_);
    in_force_ = false;
  }

 private:
  rlimit previous_{};
  bool in_force_ = false;
};

// Runs `io` for `duration` with no descriptor free, and returns how many handlers ran: a
// server whose accept fails must wait between attempts, not spin (a handful, not thousands).
inline std::size_t HandlersRunOutOfDescriptors(boost::asio::io_context& io,
                                               std::chrono::milliseconds duration) {
  DescriptorLimit limit;
  EXPECT_TRUE(limit.in_force());
  return limit.in_force() ? io.run_for(duration) : 0;
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_DESCRIPTOR_LIMIT_H_
