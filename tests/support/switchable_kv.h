// SwitchableKv: a FleetKv (policyd/fleet_kv.h) that forwards to another until it is switched
// off, then answers kUnavailable to everything, as a member cut off from NATS sees its
// bucket. For the fleet's tests and simulation.
#ifndef POLICYD_TESTS_SUPPORT_SWITCHABLE_KV_H_
#define POLICYD_TESTS_SUPPORT_SWITCHABLE_KV_H_

#include <string>
#include <utility>
#include <vector>

#include "policyd/fleet_kv.h"

namespace policyd::testing {

class SwitchableKv final : public FleetKv {
 public:
  explicit SwitchableKv(FleetKv* target) : target_(target) {}

  void set_reachable(bool reachable) { reachable_ = reachable; }
  bool reachable() const { return reachable_; }

  KvOutcome Get(std::string_view key, KvEntry* out) override {
    return reachable_ ? target_->Get(key, out) : KvOutcome::kUnavailable;
  }
  KvWrite Create(std::string_view key, std::string_view value) override {
    return reachable_ ? target_->Create(key, value) : KvWrite{KvOutcome::kUnavailable, 0};
  }
  KvWrite Update(std::string_view key, std::string_view value, uint64_t revision) override {
    return reachable_ ? target_->Update(key, value, revision) : KvWrite{KvOutcome::kUnavailable, 0};
  }
  KvOutcome Delete(std::string_view key) override {
    return reachable_ ? target_->Delete(key) : KvOutcome::kUnavailable;
  }
  KvOutcome List(std::string_view prefix,
                 std::vector<std::pair<std::string, KvEntry>>* out) override {
    return reachable_ ? target_->List(prefix, out) : KvOutcome::kUnavailable;
  }

 private:
  FleetKv* target_;
  bool reachable_ = true;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_SWITCHABLE_KV_H_
