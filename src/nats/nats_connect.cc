#include "nats_connect.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace policyd::nats {
namespace {

// A dead connection is noticed after about two unanswered pings.
constexpr int64_t kPingIntervalMs = 20'000;

}  // namespace

Status ConnectToNats(const NatsConfig& config, const std::string& client_name,
                     ConnectionPtr* connection, std::string* url) {
  natsOptions* raw_options = nullptr;
  if (natsStatus s = natsOptions_Create(&raw_options); s != NATS_OK) {
    return Status::IoError(Describe("cannot create NATS options", s));
  }
  const OptionsPtr options(raw_options);
  std::vector<const char*> servers;
  for (const std::string& server : config.urls) servers.push_back(server.c_str());
  const bool tls =
      std::any_of(config.urls.begin(), config.urls.end(),
                  [](const std::string& server) { return server.starts_with("tls://"); });
  natsStatus s =
      natsOptions_SetServers(options.get(), servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetNoRandomize(options.get(), true);
  if (s == NATS_OK) s = natsOptions_SetTimeout(options.get(), config.connect_timeout.count());
  if (s == NATS_OK) s = natsOptions_SetName(options.get(), client_name.c_str());
  if (s == NATS_OK) s = natsOptions_SetAllowReconnect(options.get(), false);
  if (s == NATS_OK) s = natsOptions_SetPingInterval(options.get(), kPingIntervalMs);
  if (s == NATS_OK && tls) s = natsOptions_SetSecure(options.get(), true);
  if (s == NATS_OK && !config.ca_file.empty()) {
    s = natsOptions_LoadCATrustedCertificates(options.get(), config.ca_file.c_str());
  }
  if (s == NATS_OK && !config.cert_file.empty()) {
    s = natsOptions_LoadCertificatesChain(options.get(), config.cert_file.c_str(),
                                          config.key_file.c_str());
  }
  if (s == NATS_OK && !config.token.empty()) {
    s = natsOptions_SetToken(options.get(), config.token.c_str());
  }
  if (s == NATS_OK && !config.credentials_file.empty()) {
    s = natsOptions_SetUserCredentialsFromFiles(options.get(), config.credentials_file.c_str(),
                                                nullptr);
  }
  if (s != NATS_OK) return Status::InvalidArgument(Describe("NATS options", s));

  natsConnection* raw_connection = nullptr;
  s = natsConnection_Connect(&raw_connection, options.get());
  connection->reset(raw_connection);
  if (s != NATS_OK) return Status::IoError(Describe("cannot connect", s));
  std::array<char, 512> connected{};
  if (natsConnection_GetConnectedUrl(connection->get(), connected.data(), connected.size()) ==
      NATS_OK) {
    *url = connected.data();
  }
  return Status::Ok();
}

}  // namespace policyd::nats
