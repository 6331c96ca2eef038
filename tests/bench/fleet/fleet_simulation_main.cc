// fleet_simulation: the fleet's simulation (issue 19 item 5; tests/support/fleet): 100,000
// documents over 10 members by default, a scripted sequence of joins, crashes, returns, a
// partition and a clean leave, on a simulated clock, with the real FleetMember logic on an
// in-memory bucket. Prints one row per membership change (documents moved against the
// ideal share, takeover time against ttl + heartbeat + skew, duplicate concurrent checks,
// late and abandoned checks, the settled ownership and balance) and the totals; --json FILE
// writes the same as JSON. Deterministic for a seed (the plan's wall-clock costs aside).
// Exits 1 when a duplicate concurrent check happened or a settled view left a document
// without exactly one owner, never because of a time.
//
// Usage: fleet_simulation [--docs N] [--members N] [--seed N] [--duration D]
//          [--heartbeat D] [--ttl D] [--lease-ttl D] [--max-skew D] [--clock-spread D]
//          [--clock-offset MEMBER=D]... [--interval MIN,MAX] [--check MIN,MAX]
//          [--script "20m join m10; 40m crash m03"] [--json FILE]
// --clock-offset sets one member's clock ahead of real time ("m05=-4s": 4 s behind).
// D is a duration as the config reads them ("250ms", "5s", "20m", "1h30m").
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "policyd/clock.h"
#include "support/fleet/fleet_simulation.h"

namespace policyd::testing {
namespace {

constexpr const char* kUsage =
    "usage: fleet_simulation [--docs N] [--members N] [--seed N] [--duration D]\n"
    "         [--heartbeat D] [--ttl D] [--lease-ttl D] [--max-skew D] [--clock-spread D]\n"
    "         [--clock-offset MEMBER=[-]D]... [--interval MIN,MAX] [--check MIN,MAX]\n"
    "         [--script \"20m join m10; ...\"] [--json FILE]\n";

[[noreturn]] void Usage(const std::string& message) {
  std::fprintf(stderr, "fleet_simulation: %s\n%s", message.c_str(), kUsage);
  std::exit(2);
}

uint64_t Count(std::string_view flag, const char* text, uint64_t max) {
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || value == 0 || value > max) {
    Usage("bad value for " + std::string(flag) + ": " + text);
  }
  return value;
}

std::chrono::milliseconds Duration(std::string_view flag, std::string_view text) {
  const auto parsed = ParseDuration(text);
  if (!parsed) Usage("bad duration for " + std::string(flag) + ": " + std::string(text));
  return *parsed;
}

void Range(std::string_view flag, std::string_view text, std::chrono::milliseconds* low,
           std::chrono::milliseconds* high) {
  const std::size_t comma = text.find(',');
  if (comma == std::string_view::npos) Usage(std::string(flag) + " needs MIN,MAX");
  *low = Duration(flag, text.substr(0, comma));
  *high = Duration(flag, text.substr(comma + 1));
  if (*low > *high || low->count() <= 0) Usage(std::string(flag) + ": MIN must be 0 < MIN <= MAX");
}

// --clock-offset MEMBER=D or MEMBER=-D: that member's clock ahead of (behind) the others.
void AddClockOffset(std::string_view flag, std::string_view text, FleetSimulationOptions* options) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) Usage("--clock-offset needs MEMBER=D");
  const bool behind = text.substr(equals + 1).starts_with('-');
  const auto offset = Duration(flag, text.substr(equals + 1 + (behind ? 1 : 0)));
  options->clock_offsets_ms[std::string(text.substr(0, equals))] =
      behind ? -offset.count() : offset.count();
}

struct CommandLine {
  FleetSimulationOptions options;
  std::optional<std::string> script;  // --script, else the default script
  std::string json_path;
};

// One option and its value; false when `flag` is not a simulation option.
bool ApplySimulationOption(std::string_view flag, const char* value,
                           FleetSimulationOptions* options) {
  if (flag == "--docs") {
    options->documents = Count(flag, value, 10'000'000);
  } else if (flag == "--members") {
    options->members = Count(flag, value, 99);
  } else if (flag == "--seed") {
    options->seed = Count(flag, value, UINT64_MAX);
  } else if (flag == "--duration") {
    options->duration = Duration(flag, value);
  } else if (flag == "--heartbeat") {
    options->timing.heartbeat_interval = Duration(flag, value);
  } else if (flag == "--ttl") {
    options->timing.member_ttl = Duration(flag, value);
  } else if (flag == "--lease-ttl") {
    options->timing.lease_ttl = Duration(flag, value);
  } else if (flag == "--max-skew") {
    options->timing.max_clock_skew = Duration(flag, value);
  } else if (flag == "--clock-spread") {
    options->clock_spread = Duration(flag, value);
  } else if (flag == "--clock-offset") {
    AddClockOffset(flag, value, options);
  } else if (flag == "--interval") {
    Range(flag, value, &options->min_interval, &options->max_interval);
  } else if (flag == "--check") {
    Range(flag, value, &options->min_check, &options->max_check);
  } else {
    return false;
  }
  return true;
}

// The command line; exits with the usage on an error, or after printing it for --help.
CommandLine ParseCommandLine(int argc, char** argv) {
  CommandLine line;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) Usage(std::string(flag) + " needs a value");
    const char* value = argv[++i];
    if (ApplySimulationOption(flag, value, &line.options)) continue;
    if (flag == "--script") {
      line.script = value;
    } else if (flag == "--json") {
      line.json_path = value;
    } else {
      Usage("unknown option " + std::string(flag));
    }
  }
  if (const auto problem = CheckFleetTiming(line.options.timing)) Usage(problem->reason);
  if (line.script) {
    auto parsed = ParseFleetScript(*line.script);
    if (!parsed.ok()) Usage(parsed.status().message());
    line.options.script = std::move(*parsed);
  } else {
    line.options.script = DefaultFleetScript(line.options.members);
  }
  return line;
}

// No document checked twice at once, and after each change that settled every document
// claimed by exactly the member that should hold it.
bool IsSound(const FleetSimulationReport& report) {
  bool sound = report.duplicates == 0;
  for (const FleetChangeReport& change : report.changes) {
    sound = sound && (!change.settled || (change.unclaimed == 0 && change.multiply_claimed == 0 &&
                                          change.wrongly_claimed == 0));
  }
  return sound;
}

int Main(int argc, char** argv) {
  const CommandLine line = ParseCommandLine(argc, argv);
  const FleetSimulationReport report = RunFleetSimulation(line.options);
  std::fputs(FormatFleetReport(report).c_str(), stdout);
  if (!line.json_path.empty()) {
    std::ofstream out(line.json_path);
    out << FleetReportJson(report).dump(2) << "\n";
    if (!out) {
      std::fprintf(stderr, "fleet_simulation: cannot write %s\n", line.json_path.c_str());
      return 2;
    }
  }
  return IsSound(report) ? 0 : 1;
}

}  // namespace
}  // namespace policyd::testing

int main(int argc, char** argv) { return policyd::testing::Main(argc, argv); }
