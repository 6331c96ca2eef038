// FleetStatusService: the daemon's side of the fleet's request-reply (policyd/fleet_status.h,
// policyd/fleet_bus.h), on its own thread ("policyd-fleetst"), so that neither the io thread
// nor the fleet thread (whose heartbeats must not wait) ever blocks on it.
//
// Contract:
//  - The thread keeps a FleetBus open on FleetStatusSubject(bucket) (again, with the [nats]
//    backoff, when its connection is lost). Every request is answered on a cnats thread with
//    EncodeFleetReply(report()): `report` must be thread-safe and quick (the daemon's reads
//    the agent's and the outbox's snapshots, each under its own mutex).
//  - Ask (io thread): one scatter-gather on the thread: the members of the agent's view
//    (`view`), one request, replies until every live member answered or `timeout` passed.
//    `done` is posted to the io thread with the report ("fleet" in docs/CONTROL.md), or an
//    error: kUnavailable while there is no connection, kBusy when kMaxPendingAsks asks wait.
//  - Stop (destruction): pending asks are answered kUnavailable, the bus is closed, the
//    thread joined.
#ifndef POLICYD_DAEMON_FLEET_STATUS_SERVICE_H_
#define POLICYD_DAEMON_FLEET_STATUS_SERVICE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "policyd/config.h"
#include "policyd/fleet_bus.h"
#include "policyd/fleet_records.h"
#include "policyd/fleet_status.h"

namespace policyd {

inline constexpr std::size_t kMaxPendingAsks = 8;

enum class FleetAskOutcome { kAnswered, kUnavailable, kBusy };

struct FleetAskAnswer {
  FleetAskOutcome outcome = FleetAskOutcome::kUnavailable;
  nlohmann::json result;  // kAnswered: the report; else null
  std::string error;      // else: why
};

class FleetStatusService {
 public:
  // The asker's view: the member records it read and the ids live in it.
  struct View {
    std::vector<MemberRecord> records;
    std::vector<std::string> live;
  };
  using ReportFn = std::function<FleetMemberReport()>;
  using ViewFn = std::function<View()>;

  FleetStatusService(const NatsConfig& nats, const FleetConfig& fleet, std::string member_id,
                     boost::asio::io_context& io, ReportFn report, ViewFn view);
  ~FleetStatusService();
  FleetStatusService(const FleetStatusService&) = delete;
  FleetStatusService& operator=(const FleetStatusService&) = delete;

  void Start();
  void Ask(std::chrono::milliseconds timeout, std::function<void(FleetAskAnswer)> done);

  const std::string& subject() const { return subject_; }

 private:
  struct PendingAsk {
    std::chrono::milliseconds timeout;
    std::function<void(FleetAskAnswer)> done;
  };

  void Run();
  void EnsureBus(int64_t now_ms);
  FleetAskAnswer Gather(std::chrono::milliseconds timeout);
  void Answer(std::function<void(FleetAskAnswer)> done, FleetAskAnswer answer);

  const NatsConfig nats_;
  const std::string bucket_;
  const std::string subject_;
  const std::string member_id_;
  boost::asio::io_context& io_;
  ReportFn report_;
  ViewFn view_;

  // Service thread only.
  std::unique_ptr<FleetBus> bus_;
  std::string last_error_;
  int64_t next_open_ms_ = 0;
  int open_failures_ = 0;

  std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::deque<PendingAsk> asks_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_FLEET_STATUS_SERVICE_H_
