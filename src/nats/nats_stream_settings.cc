#include "policyd/clock.h"
#include "policyd/nats.h"

namespace policyd {
namespace {

std::string JoinSubjects(const std::vector<std::string>& subjects) {
  std::string joined;
  for (const std::string& subject : subjects) joined += (joined.empty() ? "" : " ") + subject;
  return joined.empty() ? "(none)" : joined;
}

std::string Limit(int64_t value) { return value > 0 ? std::to_string(value) : "none"; }
std::string Limit(std::chrono::milliseconds value) {
  return value.count() > 0 ? FormatDuration(value) : "none";
}

}  // namespace

NatsStreamSettings WantedStreamSettings(const NatsConfig& config) {
  NatsStreamSettings settings;
  settings.subjects = {config.subject_prefix + ".>"};
  settings.retention = config.retention;
  settings.storage = config.storage;
  settings.replicas = config.replicas;
  settings.max_age = config.max_age;
  settings.max_bytes = config.max_bytes;
  settings.duplicate_window = config.duplicate_window;
  return settings;
}

std::vector<std::string> StreamDifferences(const NatsStreamSettings& wanted,
                                           const NatsStreamSettings& existing) {
  std::vector<std::string> differences;
  const auto note = [&](const char* what, const std::string& configured,
                        const std::string& in_stream) {
    if (configured != in_stream) {
      differences.push_back(std::string(what) + ": " + configured + " configured, " + in_stream +
                            " in the stream");
    }
  };
  note("subjects", JoinSubjects(wanted.subjects), JoinSubjects(existing.subjects));
  note("retention", NatsRetentionName(wanted.retention), NatsRetentionName(existing.retention));
  note("storage", NatsStorageName(wanted.storage), NatsStorageName(existing.storage));
  note("replicas", std::to_string(wanted.replicas), std::to_string(existing.replicas));
  note("max_age", Limit(wanted.max_age), Limit(existing.max_age));
  note("max_bytes", Limit(wanted.max_bytes), Limit(existing.max_bytes));
  note("duplicate_window", Limit(wanted.duplicate_window), Limit(existing.duplicate_window));
  return differences;
}

}  // namespace policyd
