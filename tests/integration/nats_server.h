// A real nats-server (Debian's /usr/sbin/nats-server) with JetStream for the integration
// tests: on 127.0.0.1 at a free port, its store in a temporary directory that outlives a
// Stop() so that Start() brings the same streams back. Killed (and the directory removed)
// at destruction. Loopback only.
#ifndef POLICYD_TESTS_INTEGRATION_NATS_SERVER_H_
#define POLICYD_TESTS_INTEGRATION_NATS_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "support/temp_dir.h"

namespace policyd::testing {

inline constexpr char kNatsServerBin[] = "/usr/sbin/nats-server";

class NatsServer {
 public:
  NatsServer();  // picks the port and the store directory; does not start
  ~NatsServer();
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  static bool Installed();
  // Serves TLS only, with this certificate chain and key (PEM files); call before Start().
  // url() is then tls://.
  void UseTls(std::filesystem::path cert_file, std::filesystem::path key_file) {
    tls_cert_ = std::move(cert_file);
    tls_key_ = std::move(key_file);
  }
  // Serves core NATS only, without JetStream; call before Start().
  void WithoutJetStream() { jetstream_ = false; }
  // Starts the server and waits (at most 20 s) until it accepts connections.
  bool Start();
  void Stop();  // SIGTERM and reap (SIGKILL after 10 s)
  bool running() const { return pid_ > 0; }
  std::string url() const {
    return (tls_cert_.empty() ? "nats://127.0.0.1:" : "tls://127.0.0.1:") + std::to_string(port_);
  }
  uint16_t port() const { return port_; }
  std::string log() const;

 private:
  TempDir dir_{"policyd-nats"};  // the JetStream store and the log, removed at destruction
  uint16_t port_ = 0;
  std::filesystem::path tls_cert_;
  std::filesystem::path tls_key_;
  pid_t pid_ = -1;
  bool jetstream_ = true;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_INTEGRATION_NATS_SERVER_H_
