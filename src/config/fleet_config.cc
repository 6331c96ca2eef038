#include "config/fleet_config.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "config/top_level_keys.h"
#include "policyd/fleet_options.h"
#include "policyd/fleet_status.h"

namespace policyd::config_internal {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxBucketBytes = 64;

// JetStream bucket names: A-Z, a-z, 0-9, '-' and '_'.
bool IsValidBucketName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxBucketBytes &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
         });
}

void ReadNames(TableReader& reader, FleetConfig* fleet) {
  std::string member_id;
  if (reader.ReadNonEmptyString("member_id", &member_id)) {
    if (IsValidFleetMemberId(member_id)) {
      fleet->member_id = std::move(member_id);
    } else {
      reader.Error("member_id",
                   "'member_id' must be 1 to 64 characters of A-Z, a-z, 0-9, '-' "
                   "and '_' (it is part of the fleet's keys), not '" +
                       member_id + "'");
    }
  }
  std::string bucket;
  if (reader.ReadNonEmptyString("bucket", &bucket)) {
    if (IsValidBucketName(bucket)) {
      fleet->bucket = std::move(bucket);
    } else {
      reader.Error("bucket",
                   "'bucket' must be 1 to 64 characters of A-Z, a-z, 0-9, '-' and "
                   "'_' (a JetStream bucket name), not '" +
                       bucket + "'");
    }
  }
}

void ReadTiming(TableReader& reader, FleetTiming* timing) {
  const milliseconds one_hour = std::chrono::hours(1);
  const milliseconds ten_minutes = std::chrono::minutes(10);
  reader.ReadDuration("heartbeat_interval", milliseconds(100), ten_minutes,
                      &timing->heartbeat_interval);
  reader.ReadDuration("ttl", std::chrono::seconds(1), one_hour, &timing->member_ttl);
  reader.ReadDuration("lease_ttl", std::chrono::seconds(1), one_hour, &timing->lease_ttl);
  reader.ReadDuration("max_clock_skew", milliseconds(0), ten_minutes, &timing->max_clock_skew);
}

}  // namespace

void ReadFleet(TableReader& root, DaemonConfig* config) {
  const toml::node* node = root.Get("fleet");
  if (node == nullptr) return;
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    root.Error("fleet",
               "'fleet' must be a table ([fleet]), not " + std::string(TypeName(node->type())));
    return;
  }
  Diagnostics* diagnostics = root.diagnostics();
  const bool clean_before = !diagnostics->HasErrors();
  TableReader reader(*table, diagnostics);
  reader.set_enclosing("[fleet]", &IsDaemonTopLevelKey);
  FleetConfig fleet;
  reader.ReadBool("enabled", &fleet.enabled);
  ReadNames(reader, &fleet);
  ReadTiming(reader, &fleet.timing);
  reader.ReportUnknownKeys();
  // The rules between the durations, once each one is valid by itself. Reported at the key
  // the rule names, or at [fleet] when that key is left at its default.
  if (clean_before && !diagnostics->HasErrors()) {
    if (const auto problem = CheckFleetTiming(fleet.timing)) {
      reader.Error(problem->key, problem->reason);
    }
  }
  // The members and leases live in a JetStream bucket: no fleet without a NATS connection.
  if (fleet.enabled && !config->nats.enabled && !diagnostics->HasErrors()) {
    reader.Error("enabled",
                 "'enabled' needs a [nats] table with 'urls': the fleet keeps its members and "
                 "leases in a JetStream key-value bucket");
  }
  // The members' status requests (policyctl fleet) must never be stored by the events stream.
  if (fleet.enabled && config->nats.enabled && !diagnostics->HasErrors() &&
      FleetStatusSubjectClashes(FleetStatusSubject(fleet.bucket), config->nats.subject_prefix)) {
    reader.Error("enabled", "the fleet's status subject '" + FleetStatusSubject(fleet.bucket) +
                                "' is under [nats] subject_prefix '" + config->nats.subject_prefix +
                                "', so the events stream would store it: choose another prefix");
  }
  config->fleet = std::move(fleet);
}

}  // namespace policyd::config_internal
