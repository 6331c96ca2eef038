// InMemoryKv: FleetKv (policyd/fleet_kv.h) in memory, with JetStream KV's semantics and a
// server clock given to it, for tests and the fleet simulation (tests/bench/fleet). Not
// thread-safe: the simulation is single-threaded, as the clock it runs on.
//
// max_age: an entry whose last write is at least `max_age` old by the server clock reads as
// absent (and is dropped); 0 = entries never expire. A deleted key keeps its marker until
// then, as JetStream does; Create treats it as absent.
#ifndef POLICYD_IN_MEMORY_KV_H_
#define POLICYD_IN_MEMORY_KV_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "policyd/fleet_kv.h"

namespace policyd {

class InMemoryKv final : public FleetKv {
 public:
  using Clock = std::function<int64_t()>;  // the server's time, ms

  InMemoryKv(Clock server_now_ms, std::chrono::milliseconds max_age);

  KvOutcome Get(std::string_view key, KvEntry* out) override;
  KvWrite Create(std::string_view key, std::string_view value) override;
  KvWrite Update(std::string_view key, std::string_view value, uint64_t revision) override;
  KvOutcome Delete(std::string_view key) override;
  KvOutcome List(std::string_view prefix,
                 std::vector<std::pair<std::string, KvEntry>>* out) override;

  // Operations answered so far (the fleet's load on the bucket).
  uint64_t reads() const { return reads_; }
  uint64_t writes() const { return writes_; }
  uint64_t last_revision() const { return next_revision_ - 1; }
  std::size_t keys() const { return entries_.size(); }  // markers and not yet dropped included

 private:
  struct Stored {
    std::string value;
    uint64_t revision = 0;
    int64_t written_ms = 0;
    bool deleted = false;
  };
  // The live entry of `key`, or nullptr (dropping it when max_age has passed).
  Stored* Find(std::string_view key);
  KvWrite Write(std::string_view key, std::string_view value, bool deleted);

  Clock now_ms_;
  int64_t max_age_ms_;
  std::map<std::string, Stored, std::less<>> entries_;
  uint64_t next_revision_ = 1;
  uint64_t reads_ = 0;
  uint64_t writes_ = 0;
};

}  // namespace policyd

#endif  // POLICYD_IN_MEMORY_KV_H_
