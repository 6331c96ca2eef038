// ConnectToNats: one connection to the servers of [nats], as every policyd NATS client opens
// it (the outbox's session, the fleet's key-value bucket): each URL tried in turn, the
// configured timeout, token or credentials, TLS for tls:// URLs, and cnats's own
// reconnection off, since each client decides itself when to try again.
#ifndef POLICYD_SRC_NATS_NATS_CONNECT_H_
#define POLICYD_SRC_NATS_NATS_CONNECT_H_

#include <string>

#include "nats_handles.h"
#include "policyd/config.h"
#include "policyd/status.h"

namespace policyd::nats {

// Connects as `client_name` (what the server's monitoring shows). On success *connection
// holds the connection and *url the server it reached.
Status ConnectToNats(const NatsConfig& config, const std::string& client_name,
                     ConnectionPtr* connection, std::string* url);

}  // namespace policyd::nats

#endif  // POLICYD_SRC_NATS_NATS_CONNECT_H_
