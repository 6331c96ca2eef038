// The functions that run policyctl's commands, one per command of the table
// (command_table.cc), grouped in files by what they work on. Each takes the parsed command
// line (whose options the parser has already checked against the command's table entry) and
// returns the exit status.
#ifndef POLICYD_DAEMON_POLICYCTL_HANDLERS_H_
#define POLICYD_DAEMON_POLICYCTL_HANDLERS_H_

#include "policyctl/options.h"

namespace policyd::ctl {

// daemon_commands.cc: the daemon and its watch list.
int RunStatus(const Options& options);
int RunList(const Options& options);
int RunCheck(const Options& options);
int RunAdd(const Options& options);
int RunRemove(const Options& options);
int RunReload(const Options& options);
int RunWebhooks(const Options& options);
int RunMetrics(const Options& options);
int RunFleet(const Options& options);

// document_commands.cc: one document's record, versions and texts.
int RunShow(const Options& options);
int RunHistory(const Options& options);
int RunDiff(const Options& options);
int RunSegments(const Options& options);
int RunCapture(const Options& options);
int RunOffsets(const Options& options);

// maintenance_commands.cc: the database.
int RunVerify(const Options& options);
int RunGc(const Options& options);
int RunBackup(const Options& options);

// export_command.cc, events_command.cc, extract_command.cc.
int RunExport(const Options& options);
int RunEvents(const Options& options);
int RunExtract(const Options& options);
// feed_command.cc: the Atom feeds.
int RunFeed(const Options& options);

// help_commands.cc: policyctl itself (its help, its completion scripts and their helper, its
// man page).
int RunHelp(const Options& options);
int RunCompletion(const Options& options);
int RunCompleteIds(const Options& options);
int RunManPage(const Options& options);

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_HANDLERS_H_
