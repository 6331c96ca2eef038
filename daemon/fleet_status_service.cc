#include "fleet_status_service.h"

#include <pthread.h>

#include <algorithm>
#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "policyd/backoff.h"
#include "policyd/clock.h"

namespace policyd {
namespace {

// The longest the thread sleeps between looks at its connection: asks wake it sooner.
constexpr int64_t kMaxSleepMs = 1'000;

}  // namespace

FleetStatusService::FleetStatusService(const NatsConfig& nats, const FleetConfig& fleet,
                                       std::string member_id, boost::asio::io_context& io,
                                       ReportFn report, ViewFn view)
    : nats_(nats),
      bucket_(fleet.bucket),
      subject_(FleetStatusSubject(fleet.bucket)),
      member_id_(std::move(member_id)),
      io_(io),
      report_(std::move(report)),
      view_(std::move(view)) {}

FleetStatusService::~FleetStatusService() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FleetStatusService::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "policyd-fleetst");
    Run();
  });
}

void FleetStatusService::Ask(std::chrono::milliseconds timeout,
                             std::function<void(FleetAskAnswer)> done) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!stop_ && asks_.size() < kMaxPendingAsks) {
      asks_.push_back({timeout, std::move(done)});
      wake_.notify_all();
      return;
    }
  }
  Answer(std::move(done), {FleetAskOutcome::kBusy, nullptr,
                           std::to_string(kMaxPendingAsks) + " fleet requests are waiting"});
}

void FleetStatusService::Answer(std::function<void(FleetAskAnswer)> done, FleetAskAnswer answer) {
  boost::asio::post(io_, [done = std::move(done), answer = std::move(answer)]() mutable {
    done(std::move(answer));
  });
}

void FleetStatusService::Run() {
  while (true) {
    EnsureBus(NowUnixMillis());
    PendingAsk ask;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!stop_ && asks_.empty()) {
        wake_.wait_for(lock, std::chrono::milliseconds(kMaxSleepMs),
                       [this] { return stop_ || !asks_.empty(); });
      }
      if (stop_) break;
      if (asks_.empty()) continue;
      ask = std::move(asks_.front());
      asks_.pop_front();
    }
    Answer(std::move(ask.done), Gather(ask.timeout));
  }
  std::deque<PendingAsk> left;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    left.swap(asks_);
  }
  for (PendingAsk& ask : left) {
    Answer(std::move(ask.done), {FleetAskOutcome::kUnavailable, nullptr, "the daemon is stopping"});
  }
  bus_.reset();
}

void FleetStatusService::EnsureBus(int64_t now_ms) {
  if (bus_ != nullptr && !bus_->closed()) return;
  if (bus_ != nullptr) {
    spdlog::warn("fleet: the connection for {} was lost", subject_);
    bus_.reset();
    last_error_ = "the connection to NATS was lost";
  }
  if (now_ms < next_open_ms_) return;
  auto opened = FleetBus::Open(nats_, "policyd fleet status " + member_id_, subject_,
                               [this] { return EncodeFleetReply(report_()); });
  if (opened.ok()) {
    bus_ = std::move(opened).value();
    spdlog::info("fleet: member {} answers on {} at {}", member_id_, subject_, bus_->url());
    open_failures_ = 0;
    last_error_.clear();
    return;
  }
  last_error_ = opened.status().ToString();
  if (open_failures_++ == 0) spdlog::warn("fleet: status requests: {}", last_error_);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  next_open_ms_ =
      now_ms +
      BackoffDelay(nats_.retry_min, nats_.retry_max, open_failures_, std::nullopt, rng).count();
}

FleetAskAnswer FleetStatusService::Gather(std::chrono::milliseconds timeout) {
  if (bus_ == nullptr || bus_->closed()) {
    return {FleetAskOutcome::kUnavailable, nullptr,
            "not connected to NATS" + (last_error_.empty() ? "" : ": " + last_error_)};
  }
  View view = view_();
  FleetGather gather(std::move(view.records), std::move(view.live));
  const int64_t started = NowUnixMillis();
  const Status status = bus_->Gather("{}", timeout, [&gather](std::string_view reply) {
    gather.Offer(reply);
    return gather.Complete();
  });
  if (!status.ok()) return {FleetAskOutcome::kUnavailable, nullptr, status.ToString()};
  const int64_t now = NowUnixMillis();
  nlohmann::json result = ToJson(gather.Report(now));
  result["bucket"] = bucket_;
  result["subject"] = subject_;
  result["asked_by"] = member_id_;
  result["timeout_ms"] = timeout.count();
  result["elapsed_ms"] = now - started;
  return {FleetAskOutcome::kAnswered, std::move(result), ""};
}

}  // namespace policyd
