// A pager for policyctl's long human output, as git does it: while a Pager is active, stdout
// goes into $PAGER (default `less`, with LESS=FRX when LESS is unset: quit if one screen,
// colours, no screen clearing); destroying it closes the pipe and waits for the pager.
//
// Active only when stdout is a terminal, paging is enabled (not --no-pager, --json or
// --follow: the caller says) and PAGER is not empty or "cat". Start it right before printing
// (after the daemon has answered): while it is active SIGINT and SIGQUIT are ignored by
// policyctl (the pager handles them; `q` ends it) and SIGPIPE is ignored, so a pager that
// exits early (the user quit) makes the remaining writes fail quietly instead of killing
// policyctl; std::cout's and stdout's error states are cleared when the pager is closed.
// A pager that cannot be started leaves stdout as it was.
#ifndef POLICYD_DAEMON_VIEWS_PAGER_H_
#define POLICYD_DAEMON_VIEWS_PAGER_H_

#include <signal.h>
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace policyd {

struct PagerOptions {
  // False for --no-pager, --json, --follow and anything meant for a program.
  bool enabled = true;
  // Whether stdout is a terminal; nullopt: ask isatty(). Tests force it.
  std::optional<bool> terminal;
};

// The columns of the terminal `fd` is, nullopt when it is not one (a pipe, a file). Ask for
// stdout's before starting a Pager: once paging, stdout is the pager's pipe.
std::optional<std::size_t> TerminalWidth(int fd);

// The pager command for a PAGER value: "less" when unset (nullptr); nullopt (no paging) when
// empty, blank or "cat"; else the value (run with /bin/sh -c).
std::optional<std::string> PagerCommand(const char* pager_env);

class Pager {
 public:
  explicit Pager(PagerOptions options = {});
  ~Pager() { Close(); }
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

  bool active() const { return pid_ > 0; }
  // Flushes, gives stdout back and waits for the pager to exit. Idempotent.
  void Close();

 private:
  bool Start(const std::string& command);

  pid_t pid_ = -1;
  int saved_stdout_ = -1;
  struct sigaction saved_sigpipe_ {};
  struct sigaction saved_sigint_ {};
  struct sigaction saved_sigquit_ {};
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_PAGER_H_
