// The bound of the control protocol's `check` with `wait` (docs/CONTROL.md), shared by the
// daemon, which refuses more, and policyctl, which says so of the flag the operator typed
// (--wait-timeout) before it asks.
#ifndef POLICYD_CHECK_WAIT_H_
#define POLICYD_CHECK_WAIT_H_

#include <chrono>

namespace policyd {

// The longest a `check` with `wait` may wait (its "timeout").
inline constexpr std::chrono::milliseconds kMaxCheckWait = std::chrono::hours(1);

}  // namespace policyd

#endif  // POLICYD_CHECK_WAIT_H_
