// DispatchGate: each host's share of the daemon's dispatch slots. Pure bookkeeping (no I/O,
// no clock), beside the Scheduler.
//
// Why: the daemon bounds the checks it has outstanding (fetching, waiting in the fetcher's
// per-host politeness queue, or being processed). Taken earliest due first whatever their
// host, one host with more checks due than that bound (after `check --all`, or a start after
// downtime), behind a Crawl-delay or a slow server, would hold every slot while every other
// host sat idle. The gate admits at most `per_host_limit` outstanding checks per host; a
// check over its host's share is parked, in due order, and gets the host's next free slot.
//
// Life of a check: Admit() either starts it (kStart: the caller dispatches it) or parks it
// (kParked: the caller does nothing more). Finish() ends a dispatched check and hands its
// slot to the host's first parked check, which TakeReady() returns to the caller to dispatch.
// Forget() drops a parked or ready check of a document no longer watched.
//
// Checks are named by document id: a document removed and added back while its check is out
// is one id, and its slot is that check's until Finish().
#ifndef POLICYD_DISPATCH_GATE_H_
#define POLICYD_DISPATCH_GATE_H_

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace policyd {

class DispatchGate {
 public:
  enum class Admission {
    kStart,   // counted against its host's share: dispatch it now
    kParked,  // its host's share is taken: TakeReady() returns it when a slot frees
  };

  // At most `max_parked` checks are parked (and ready) at once: each holds its id and host
  // (about 150 bytes), and after a long downtime nearly every watched document is due. Beyond
  // it the caller leaves due checks in its schedule (CanPark).
  explicit DispatchGate(std::size_t per_host_limit, std::size_t max_parked = 65'536);  // 0 -> 1

  // A check of `doc_id` on `host` is due. A document whose check is still outstanding (or
  // parked, or ready) is not counted twice: it is answered kStart and the caller's own
  // in-flight guard decides.
  Admission Admit(std::string_view host, const std::string& doc_id);
  // The check of `doc_id` has ended (stored, failed, abandoned). No-op for an unknown id or
  // one that is parked or ready (see Forget).
  void Finish(const std::string& doc_id);
  // The next parked check that got a free slot, now counted as outstanding; nullopt if none.
  std::optional<std::string> TakeReady();
  // The document is no longer watched: a parked or ready check of it is dropped (a ready one
  // frees its slot for the host's next parked check). An outstanding one is left to Finish.
  void Forget(const std::string& doc_id);

  // Whether another check may be parked: the caller takes due checks from its schedule only
  // while this holds, so that parked checks stay bounded in memory.
  bool CanPark() const { return waiting_.size() < max_parked_; }
  // Whether TakeReady() may return a check (it may still return nullopt: forgotten ones).
  bool HasReady() const { return !ready_.empty(); }
  bool IsParked(const std::string& doc_id) const;         // parked or ready: not yet dispatched
  std::size_t parked() const { return waiting_.size(); }  // parked and ready checks
  std::size_t outstanding() const { return outstanding_.size(); }

 private:
  struct Host {
    std::size_t slots_taken = 0;     // outstanding and ready checks
    std::deque<std::string> parked;  // doc ids in due order; stale ids are skipped
  };
  enum class Stage { kParked, kReady };
  struct Waiting {
    std::string host;
    Stage stage;
  };

  // Moves the host's first live parked check to the ready list while it has a free slot.
  void PromoteParked(const std::string& host_key, Host& host);
  void ReleaseSlot(const std::string& host_key);

  std::size_t per_host_limit_;
  std::size_t max_parked_;
  std::unordered_map<std::string, Host> hosts_;               // hosts with slots taken or parked
  std::unordered_map<std::string, std::string> outstanding_;  // doc id -> host
  std::unordered_map<std::string, Waiting> waiting_;          // parked and ready, by doc id
  std::deque<std::string> ready_;                             // doc ids; stale ids are skipped
};

}  // namespace policyd

#endif  // POLICYD_DISPATCH_GATE_H_
