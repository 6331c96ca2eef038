// One run of policyctl as its command line asked for it: the global options' values, the
// command, its positional arguments and its own options. Filled by ParseCommandLine
// (command_line.h) from the command table; read by the command handlers.
#ifndef POLICYD_DAEMON_POLICYCTL_OPTIONS_H_
#define POLICYD_DAEMON_POLICYCTL_OPTIONS_H_

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace policyd::ctl {

struct Options {
  std::optional<std::filesystem::path> config;
  std::optional<std::filesystem::path> socket;
  std::optional<std::filesystem::path> events_socket;
  bool json = false;
  std::string color = "auto";
  std::chrono::milliseconds timeout{30'000};
  bool no_pager = false;  // --no-pager
  bool help = false;      // --help or -h
  bool version = false;   // --version
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;  // --name -> values ("" for switches)

  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  // The last value given (an option given twice keeps its last value), "" when absent.
  std::string One(const std::string& flag) const {
    const auto it = flags.find(flag);
    return it == flags.end() || it->second.empty() ? "" : it->second.back();
  }
  std::vector<std::string> All(const std::string& flag) const {
    const auto it = flags.find(flag);
    return it == flags.end() ? std::vector<std::string>{} : it->second;
  }
};

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_OPTIONS_H_
