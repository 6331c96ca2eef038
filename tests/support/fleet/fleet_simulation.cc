// The fleet simulation's engine (fleet_simulation.h).
#include "support/fleet/fleet_simulation.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <limits>
#include <memory>
#include <queue>
#include <random>
#include <tuple>

#include "policyd/fleet_member.h"
#include "policyd/fleet_plan.h"
#include "policyd/in_memory_kv.h"
#include "support/switchable_kv.h"

namespace policyd::testing {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;  // the simulated epoch (November 2023)
constexpr int64_t kLateMs = 1'000;

// Uniform in [low, high]: integer arithmetic only, so that every standard library draws
// the same sequence (std::uniform_int_distribution's algorithm is not specified).
int64_t Uniform(std::mt19937_64& rng, int64_t low, int64_t high) {
  if (high <= low) return low;
  return low + static_cast<int64_t>(rng() % static_cast<uint64_t>(high - low + 1));
}

double WallMs(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

// The p-th percentile (0..100) of `values`, sorting them.
int64_t Percentile(std::vector<int64_t>& values, int p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t index = (values.size() - 1) * static_cast<std::size_t>(p) / 100;
  return values[index];
}

struct SimDocument {
  std::string id;
  uint64_t key_hash = 0;
  int64_t interval_ms = 0;
  int64_t due_ms = 0;           // real time
  uint64_t due_generation = 0;  // only the latest due event counts
  // Members checking it right now. The others do not know (each daemon knows its own checks
  // only): to them the document is due until a check of it completes.
  std::vector<uint32_t> checkers;
  bool due_now = false;  // due and no check of it completed since: in Simulation::due_now_
};

struct SimMember {
  std::string id;
  int64_t offset_ms = 0;  // its clock = real time + offset
  std::unique_ptr<SwitchableKv> kv;
  std::unique_ptr<FleetMember> fleet;  // null while down
  uint64_t incarnation = 0;
  uint64_t tick_generation = 0;
  bool was_joined = false;
  std::size_t owned = 0;
  int64_t Now(int64_t real_ms) const { return real_ms + offset_ms; }
  int64_t Real(int64_t own_ms) const { return own_ms - offset_ms; }
};

struct SimCheck {
  uint32_t document = 0;
  uint32_t member = 0;
  int64_t ends_ms = 0;
  bool active = true;
};

class Simulation {
 public:
  explicit Simulation(const FleetSimulationOptions& options);
  FleetSimulationReport Run();

 private:
  enum class EventType : uint8_t { kScript, kTick, kDue, kLeaseTimer, kCheckEnd, kSettle };
  struct Event {
    int64_t at_ms;
    uint64_t sequence;
    EventType type;
    uint64_t subject;     // script index, member, document, check or change index
    uint64_t generation;  // for kDue and kTick: only the latest counts
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return std::tie(a.at_ms, a.sequence) > std::tie(b.at_ms, b.sequence);
    }
  };
  // The documents each member owns by rendezvous over the live members, in a change window.
  struct Window {
    FleetChangeReport report;
    std::vector<int32_t> new_owner;  // per document: its new owner if it moved, else -1
    std::vector<int64_t> takeover;   // lateness of moved documents' first check by it
  };

  void Push(int64_t at_ms, EventType type, uint64_t subject, uint64_t generation = 0);
  void BuildDocuments();
  std::size_t AddMember(const std::string& id);
  void StartMember(std::size_t index, int64_t now, int64_t first_tick);
  void StopChecksOf(std::size_t member, int64_t now, bool release);

  void ApplyScript(std::size_t first, int64_t now);
  void ApplyEvent(const FleetScriptEvent& event, int64_t now);
  std::vector<std::string> LiveIds() const;
  std::vector<int32_t> TrueOwners(const std::vector<std::string>& live) const;
  void OpenWindow(const std::string& label, int64_t now);
  void MeasureMoves(int64_t now, const std::vector<std::string>& before,
                    const std::vector<std::string>& after);
  void CloseWindow();
  void Settle(std::size_t window, int64_t now);

  void OnTick(std::size_t member, uint64_t generation, int64_t now);
  void OnDue(uint32_t document, uint64_t generation, int64_t now);
  void OnLeaseTimer(uint64_t check, int64_t now);
  void OnCheckEnd(uint64_t check, int64_t now);
  void ScheduleDue(uint32_t document, int64_t at_ms);
  void OfferWaiting(std::size_t member, int64_t now);
  void StartCheck(uint32_t document, std::size_t member, int64_t now);
  void ArmLeaseTimer(uint64_t check, int64_t now);
  void EndCheck(uint64_t check, int64_t now, bool completed);

  FleetSimulationOptions options_;
  FleetSimulationReport report_;
  std::mt19937_64 rng_;
  int64_t bound_ms_ = 0;
  int64_t real_ms_ = kStartMs;
  InMemoryKv kv_;
  std::vector<SimDocument> documents_;
  std::vector<SimMember> members_;
  std::map<std::string, std::size_t> member_index_;
  std::vector<uint32_t> due_now_;  // documents with `due_now` set (and stale entries)
  std::map<uint64_t, SimCheck> checks_;
  uint64_t next_check_ = 1;
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  uint64_t sequence_ = 0;
  std::vector<Window> windows_;
  std::vector<int32_t> true_owner_;  // per document, among the live members now
};

Simulation::Simulation(const FleetSimulationOptions& options)
    : options_(options),
      rng_(options.seed),
      bound_ms_((options.timing.member_ttl + options.timing.heartbeat_interval +
                 options.timing.max_clock_skew)
                    .count()),
      kv_([this] { return real_ms_; }, FleetBucketMaxAge(options.timing)) {
  if (options_.clock_spread.count() < 0) options_.clock_spread = options_.timing.max_clock_skew;
}

void Simulation::Push(int64_t at_ms, EventType type, uint64_t subject, uint64_t generation) {
  events_.push(Event{at_ms, sequence_++, type, subject, generation});
}

// Documents grouped under registrable domains, some of which hold many documents (a
// quadratic skew), with URLs under a mix of suffixes the Public Suffix List treats apart.
void Simulation::BuildDocuments() {
  static constexpr const char* kSuffixes[] = {"com", "co.uk", "de", "github.io", "org", "com.au"};
  const std::size_t count = options_.documents;
  const uint64_t domains = std::max<uint64_t>(1, count / 3);
  std::vector<std::string> urls;
  urls.reserve(count);
  documents_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    const uint64_t site = static_cast<uint64_t>(static_cast<double>(domains) * u * u);
    const std::string suffix = kSuffixes[site % std::size(kSuffixes)];
    const std::string name = "site" + std::to_string(site);
    const std::string host = suffix == "github.io"
                                 ? name + ".github.io"
                                 : (i % 2 ? "www." : "legal.") + name + "." + suffix;
    urls.push_back("https://" + host + "/policy/" + std::to_string(i));
    SimDocument& document = documents_[i];
    document.id = name + "/doc" + std::to_string(i);
    document.interval_ms =
        Uniform(rng_, options_.min_interval.count(), options_.max_interval.count());
    document.due_ms = kStartMs + Uniform(rng_, 0, document.interval_ms - 1);
  }
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> keys;
  keys.reserve(count);
  for (const std::string& url : urls) keys.push_back(FleetKeyOfUrl(url));
  report_.domains_wall_ms = WallMs(started);
  started = std::chrono::steady_clock::now();
  const FleetPlan plan(keys);
  report_.plan_wall_ms = WallMs(started);
  std::vector<std::string> first_members;
  for (std::size_t i = 0; i < options_.members; ++i) first_members.push_back(SimulatedMemberId(i));
  started = std::chrono::steady_clock::now();
  const std::vector<uint32_t> owners = plan.Owners(Rendezvous(first_members));
  report_.owners_wall_ms = WallMs(started);
  report_.domains = plan.distinct_keys();
  report_.documents = count;
  for (std::size_t i = 0; i < count; ++i) documents_[i].key_hash = plan.KeyHash(i);
  (void)owners;
}

std::size_t Simulation::AddMember(const std::string& id) {
  const auto found = member_index_.find(id);
  if (found != member_index_.end()) return found->second;
  SimMember member;
  member.id = id;
  const auto offset = options_.clock_offsets_ms.find(id);
  const int64_t spread = options_.clock_spread.count();
  member.offset_ms = offset != options_.clock_offsets_ms.end()
                         ? offset->second
                         : Uniform(rng_, -spread / 2, spread - spread / 2);
  member.kv = std::make_unique<SwitchableKv>(&kv_);
  members_.push_back(std::move(member));
  member_index_[id] = members_.size() - 1;
  return members_.size() - 1;
}

void Simulation::StartMember(std::size_t index, int64_t now, int64_t first_tick) {
  SimMember& member = members_[index];
  if (member.fleet) return;
  ++member.incarnation;
  member.fleet = std::make_unique<FleetMember>(member.id, member.incarnation, options_.timing,
                                               member.kv.get(), member.Now(now));
  member.was_joined = false;
  member.owned = 0;
  Push(first_tick, EventType::kTick, index, ++member.tick_generation);
}

// Ends every check of `member`: a crash (nothing released) or a leave (each lease released).
void Simulation::StopChecksOf(std::size_t member, int64_t now, bool release) {
  for (auto& [id, check] : checks_) {
    if (!check.active || check.member != member) continue;
    if (release) members_[member].fleet->Finish(documents_[check.document].id);
    check.active = false;
    SimDocument& document = documents_[check.document];
    std::erase(document.checkers, check.member);
    ++report_.abandoned;
    ++windows_.back().report.abandoned;
    document.due_ms = std::max(document.due_ms, now);  // due again from now
    ScheduleDue(check.document, now);
  }
}

std::vector<std::string> Simulation::LiveIds() const {
  std::vector<std::string> ids;
  for (const SimMember& member : members_) {
    if (member.fleet && member.kv->reachable()) ids.push_back(member.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<int32_t> Simulation::TrueOwners(const std::vector<std::string>& live) const {
  const Rendezvous set(live);
  std::vector<int32_t> owners(documents_.size(), -1);
  if (set.empty()) return owners;
  for (std::size_t i = 0; i < documents_.size(); ++i) {
    const std::string& id = set.members()[*set.OwnerIndex(documents_[i].key_hash)];
    owners[i] = static_cast<int32_t>(member_index_.at(id));
  }
  return owners;
}

// A new window for a change: opened before the change is applied (the checks it stops
// belong to it), its moves computed after.
void Simulation::OpenWindow(const std::string& label, int64_t now) {
  if (!windows_.empty()) CloseWindow();
  Window window;
  window.report.label = label;
  window.report.at_ms = now - kStartMs;
  window.report.takeover_bound_ms = bound_ms_;
  windows_.push_back(std::move(window));
}

void Simulation::MeasureMoves(int64_t now, const std::vector<std::string>& before,
                              const std::vector<std::string>& after) {
  Window& window = windows_.back();
  window.report.members_before = before.size();
  window.report.members_after = after.size();
  // One member's worth per member added or removed, of the larger set.
  std::vector<std::string> changed;
  std::set_symmetric_difference(before.begin(), before.end(), after.begin(), after.end(),
                                std::back_inserter(changed));
  const std::size_t larger = std::max(before.size(), after.size());
  window.report.ideal_share = before.empty() || larger == 0 ? 0
                                                            : static_cast<double>(changed.size()) /
                                                                  static_cast<double>(larger);
  std::vector<int32_t> owners = TrueOwners(after);
  window.new_owner.assign(documents_.size(), -1);
  if (!true_owner_.empty()) {
    for (std::size_t i = 0; i < documents_.size(); ++i) {
      if (owners[i] != true_owner_[i] && owners[i] >= 0) {
        window.new_owner[i] = owners[i];
        ++window.report.moved;
      }
    }
  }
  true_owner_ = std::move(owners);
  const int64_t settle = (options_.timing.member_ttl + 2 * options_.timing.heartbeat_interval +
                          options_.timing.max_clock_skew + std::chrono::seconds(1))
                             .count();
  Push(now + settle, EventType::kSettle, windows_.size() - 1);
}

void Simulation::CloseWindow() {
  Window& window = windows_.back();
  window.report.moved_checked = window.takeover.size();
  window.report.takeover_p99_ms = Percentile(window.takeover, 99);
  window.report.takeover_max_ms = window.takeover.empty() ? 0 : window.takeover.back();
  window.new_owner.clear();
  window.new_owner.shrink_to_fit();
  window.takeover.clear();
}

// The change's documents once the views had time to settle: each must be claimed by exactly
// one joined member, the one rendezvous names among the live members.
void Simulation::Settle(std::size_t index, int64_t now) {
  FleetChangeReport& report = windows_[index].report;
  std::vector<std::size_t> claimed(members_.size(), 0);
  std::vector<bool> joined(members_.size(), false);
  for (std::size_t m = 0; m < members_.size(); ++m) {
    joined[m] = members_[m].fleet && members_[m].fleet->Joined(members_[m].Now(now));
  }
  for (std::size_t i = 0; i < documents_.size(); ++i) {
    std::size_t claims = 0;
    std::size_t claimer = 0;
    for (std::size_t m = 0; m < members_.size(); ++m) {
      if (joined[m] && members_[m].fleet->Owns(documents_[i].key_hash)) {
        ++claims;
        claimer = m;
      }
    }
    if (claims == 0 && true_owner_[i] >= 0) ++report.unclaimed;  // (no live member: none)
    if (claims > 1) ++report.multiply_claimed;
    if (claims == 1) {
      ++claimed[claimer];
      if (static_cast<int32_t>(claimer) != true_owner_[i]) ++report.wrongly_claimed;
    }
  }
  report.settled = true;
  report.min_documents = std::numeric_limits<std::size_t>::max();
  for (std::size_t m = 0; m < members_.size(); ++m) {
    if (!joined[m]) continue;
    report.min_documents = std::min(report.min_documents, claimed[m]);
    report.max_documents = std::max(report.max_documents, claimed[m]);
  }
  if (report.min_documents == std::numeric_limits<std::size_t>::max()) report.min_documents = 0;
}

void Simulation::ApplyEvent(const FleetScriptEvent& event, int64_t now) {
  const std::size_t index = AddMember(event.member);
  SimMember& member = members_[index];
  switch (event.kind) {
    case FleetEventKind::kJoin:
    case FleetEventKind::kReturn:
      StartMember(index, now, now);  // a (re)started daemon writes its heartbeat at once
      break;
    case FleetEventKind::kCrash:
      if (!member.fleet) break;
      StopChecksOf(index, now, /*release=*/false);
      member.fleet.reset();  // nothing released, no goodbye
      ++member.tick_generation;
      break;
    case FleetEventKind::kLeave:
      if (!member.fleet) break;
      StopChecksOf(index, now, /*release=*/true);
      member.fleet->Leave();
      member.fleet.reset();
      ++member.tick_generation;
      break;
    case FleetEventKind::kPartition:
      member.kv->set_reachable(false);
      break;
    case FleetEventKind::kHeal:
      member.kv->set_reachable(true);
      break;
  }
}

// Applies the script events from `first` that happen at `now`, as one change.
void Simulation::ApplyScript(std::size_t first, int64_t now) {
  const std::vector<std::string> before = LiveIds();
  std::size_t last = first;
  std::string label;  // "crash m01, m09, partition m02"
  const FleetScriptEvent* previous = nullptr;
  while (last < options_.script.size() && options_.script[last].at_ms + kStartMs == now) {
    const FleetScriptEvent& event = options_.script[last++];
    if (previous != nullptr && previous->kind == event.kind) {
      label += ", " + event.member;
    } else {
      label += (label.empty() ? "" : ", ") + std::string(FleetEventKindName(event.kind)) + " " +
               event.member;
    }
    previous = &event;
  }
  OpenWindow(label, now);
  for (std::size_t i = first; i < last; ++i) ApplyEvent(options_.script[i], now);
  MeasureMoves(now, before, LiveIds());
}

void Simulation::ScheduleDue(uint32_t document, int64_t at_ms) {
  SimDocument& doc = documents_[document];
  Push(at_ms, EventType::kDue, document, ++doc.due_generation);
}

// A member whose view changed (or which joined) offers itself the due documents it now owns,
// those another member is checking included: it does not know that, and the lease tells it.
void Simulation::OfferWaiting(std::size_t member, int64_t now) {
  const FleetMember& fleet = *members_[member].fleet;
  std::vector<uint32_t> still;
  still.reserve(due_now_.size());
  for (const uint32_t document : due_now_) {
    if (!documents_[document].due_now) continue;  // completed meanwhile
    still.push_back(document);
    if (fleet.Owns(documents_[document].key_hash)) ScheduleDue(document, now);
  }
  due_now_ = std::move(still);
}

void Simulation::OnTick(std::size_t index, uint64_t generation, int64_t now) {
  SimMember& member = members_[index];
  if (!member.fleet || generation != member.tick_generation) return;
  const TickAnswer answer = member.fleet->Tick(member.Now(now), MemberStats{member.owned, 0});
  const bool joined = member.fleet->Joined(member.Now(now));
  if (answer.view_changed) {
    member.owned = 0;
    for (const SimDocument& document : documents_) {
      if (member.fleet->Owns(document.key_hash)) ++member.owned;
    }
  }
  if (joined && (answer.view_changed || !member.was_joined)) OfferWaiting(index, now);
  member.was_joined = joined;
  Push(now + options_.timing.heartbeat_interval.count(), EventType::kTick, index, generation);
}

void Simulation::OnDue(uint32_t index, uint64_t generation, int64_t now) {
  SimDocument& document = documents_[index];
  if (generation != document.due_generation) return;
  if (!document.due_now) {
    document.due_now = true;
    due_now_.push_back(index);
  }
  int64_t retry = std::numeric_limits<int64_t>::max();
  for (std::size_t m = 0; m < members_.size(); ++m) {
    SimMember& member = members_[m];
    if (!member.fleet || !member.fleet->Owns(document.key_hash)) continue;
    // A member does not start what it is checking itself (its scheduler has it in flight).
    if (std::find(document.checkers.begin(), document.checkers.end(), m) !=
        document.checkers.end()) {
      continue;
    }
    const StartAnswer answer =
        member.fleet->TryStart(document.id, document.key_hash, member.Now(now));
    if (answer.outcome == StartOutcome::kStarted) {
      // The others that think they own it try too (their views lag): the lease refuses them.
      StartCheck(index, m, now);
      continue;
    }
    if (answer.outcome == StartOutcome::kLeaseHeld) ++windows_.back().report.lease_waits;
    if (answer.outcome == StartOutcome::kLeaseHeld ||
        answer.outcome == StartOutcome::kUnavailable) {
      retry = std::min(retry, std::max(member.Real(answer.retry_at_ms), now + 1));
    }
  }
  if (retry != std::numeric_limits<int64_t>::max()) ScheduleDue(index, retry);
}

void Simulation::StartCheck(uint32_t index, std::size_t member, int64_t now) {
  SimDocument& document = documents_[index];
  FleetChangeReport& window = windows_.back().report;
  if (!document.checkers.empty()) {
    ++report_.duplicates;
    ++window.duplicates;
  }
  document.checkers.push_back(static_cast<uint32_t>(member));
  ++report_.checks;
  ++window.checks;
  const int64_t lateness = std::max<int64_t>(0, now - document.due_ms);
  report_.max_lateness_ms = std::max(report_.max_lateness_ms, lateness);
  if (lateness > kLateMs) {
    ++report_.late_1s;
    ++window.late_1s;
  }
  if (lateness > bound_ms_) {
    ++report_.late_over_bound;
    ++window.late_over_bound;
  }
  Window& current = windows_.back();
  if (!current.new_owner.empty() && current.new_owner[index] == static_cast<int32_t>(member)) {
    const int64_t change_ms = current.report.at_ms + kStartMs;
    current.takeover.push_back(std::max<int64_t>(0, now - std::max(change_ms, document.due_ms)));
    current.new_owner[index] = -1;  // its first check only
  }
  const int64_t duration = Uniform(rng_, options_.min_check.count(), options_.max_check.count());
  const uint64_t id = next_check_++;
  checks_[id] = SimCheck{index, static_cast<uint32_t>(member), now + duration, true};
  Push(now + duration, EventType::kCheckEnd, id);
  ArmLeaseTimer(id, now);
}

// The next moment the check's lease needs attention: its renewal, or its deadline.
void Simulation::ArmLeaseTimer(uint64_t id, int64_t now) {
  const SimCheck& check = checks_.at(id);
  const SimMember& member = members_[check.member];
  const std::string& document = documents_[check.document].id;
  const std::optional<int64_t> renewal = member.fleet->NextRenewal(document);
  const std::optional<int64_t> deadline = member.fleet->Deadline(document);
  if (!renewal || !deadline) return;
  const int64_t at = member.Real(std::min(*renewal, *deadline));
  if (at < check.ends_ms) Push(std::max(at, now + 1), EventType::kLeaseTimer, id);
}

void Simulation::OnLeaseTimer(uint64_t id, int64_t now) {
  const auto it = checks_.find(id);
  if (it == checks_.end() || !it->second.active) return;
  SimMember& member = members_[it->second.member];
  if (member.fleet->Continue(documents_[it->second.document].id, member.Now(now)) ==
      ContinueOutcome::kStop) {
    EndCheck(id, now, /*completed=*/false);
    return;
  }
  ArmLeaseTimer(id, now);
}

void Simulation::OnCheckEnd(uint64_t id, int64_t now) {
  const auto it = checks_.find(id);
  if (it == checks_.end() || !it->second.active) {
    if (it != checks_.end()) checks_.erase(it);
    return;
  }
  SimMember& member = members_[it->second.member];
  // Before storing the result: is the lease still this member's?
  const bool holds = member.fleet->Continue(documents_[it->second.document].id, member.Now(now)) ==
                     ContinueOutcome::kContinue;
  EndCheck(id, now, holds);
}

void Simulation::EndCheck(uint64_t id, int64_t now, bool completed) {
  SimCheck& check = checks_.at(id);
  SimDocument& document = documents_[check.document];
  members_[check.member].fleet->Finish(document.id);
  check.active = false;
  std::erase(document.checkers, check.member);
  if (completed) {
    document.due_now = false;
    ++report_.completed;
    document.due_ms = now + document.interval_ms;
    ScheduleDue(check.document, document.due_ms);
  } else {
    ++report_.abandoned;
    ++windows_.back().report.abandoned;
    document.due_ms = std::max(document.due_ms, now);  // due again from now
    ScheduleDue(check.document, now);
  }
  if (now >= check.ends_ms) checks_.erase(id);
}

FleetSimulationReport Simulation::Run() {
  BuildDocuments();
  for (std::size_t i = 0; i < options_.members; ++i) AddMember(SimulatedMemberId(i));
  for (std::size_t i = 0; i < options_.members; ++i) {
    // Starting members come up within the first heartbeat, each at its own phase.
    const int64_t phase = Uniform(rng_, 0, options_.timing.heartbeat_interval.count() - 1);
    StartMember(i, kStartMs, kStartMs + phase);
  }
  OpenWindow("start", kStartMs);
  std::vector<std::string> first_members;
  for (std::size_t i = 0; i < options_.members; ++i) first_members.push_back(SimulatedMemberId(i));
  MeasureMoves(kStartMs, {}, first_members);
  for (uint32_t i = 0; i < documents_.size(); ++i) ScheduleDue(i, documents_[i].due_ms);
  for (std::size_t i = 0; i < options_.script.size(); ++i) {
    if (i == 0 || options_.script[i].at_ms != options_.script[i - 1].at_ms) {
      Push(kStartMs + options_.script[i].at_ms, EventType::kScript, i);
    }
  }
  const int64_t end = kStartMs + options_.duration.count();
  while (!events_.empty() && events_.top().at_ms <= end) {
    const Event event = events_.top();
    events_.pop();
    real_ms_ = event.at_ms;
    switch (event.type) {
      case EventType::kScript:
        ApplyScript(event.subject, event.at_ms);
        break;
      case EventType::kTick:
        OnTick(event.subject, event.generation, event.at_ms);
        break;
      case EventType::kDue:
        OnDue(static_cast<uint32_t>(event.subject), event.generation, event.at_ms);
        break;
      case EventType::kLeaseTimer:
        OnLeaseTimer(event.subject, event.at_ms);
        break;
      case EventType::kCheckEnd:
        OnCheckEnd(event.subject, event.at_ms);
        break;
      case EventType::kSettle:
        Settle(event.subject, event.at_ms);
        break;
    }
  }
  real_ms_ = end;
  CloseWindow();
  for (const SimDocument& document : documents_) {
    if (document.checkers.empty() &&
        document.due_ms < end - bound_ms_ - options_.timing.lease_ttl.count()) {
      ++report_.missed;
    }
  }
  for (Window& window : windows_) report_.changes.push_back(std::move(window.report));
  report_.kv_reads = kv_.reads();
  report_.kv_writes = kv_.writes();
  report_.duration_ms = options_.duration.count();
  return report_;
}

}  // namespace

FleetSimulationReport RunFleetSimulation(const FleetSimulationOptions& options) {
  Simulation simulation(options);
  return simulation.Run();
}

}  // namespace policyd::testing
