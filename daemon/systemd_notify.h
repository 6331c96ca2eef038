// Thin wrappers over libsystemd's sd_notify(3) for Type=notify services. Every function is a
// no-op when the process was not started by systemd (NOTIFY_SOCKET unset).
#ifndef POLICYD_DAEMON_SYSTEMD_NOTIFY_H_
#define POLICYD_DAEMON_SYSTEMD_NOTIFY_H_

#include <chrono>
#include <optional>
#include <string>

namespace policyd::systemd {

void NotifyReady(const std::string& status);
void NotifyStatus(const std::string& status);
void NotifyStopping(const std::string& status);
void NotifyReloading();
void NotifyWatchdog();
// The watchdog timeout the unit set (WatchdogSec=), if any; ping at half of it.
std::optional<std::chrono::microseconds> WatchdogTimeout();
// True when stderr is connected to the journal (JOURNAL_STREAM matches it).
bool StderrIsJournal();

}  // namespace policyd::systemd

#endif  // POLICYD_DAEMON_SYSTEMD_NOTIFY_H_
