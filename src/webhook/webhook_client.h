// WebhookClient: HTTP POSTs over libcurl's multi socket interface on the daemon's io_context
// (a MultiSocketLoop of its own beside the fetcher's: no thread, no polling). Each request is
// refused any connection to an address the fetcher's address policy refuses (checked on the
// address curl is about to connect to, after DNS), follows no redirect, speaks only http and
// https, has a connect and a total timeout, and keeps at most `max_response_bytes` of the
// answer (then stops reading it: the status is what counts).
//
// Threading: every method on the io_context's thread; handlers are posted there, exactly once
// per Post (with kAborted at Shutdown).
#ifndef POLICYD_SRC_WEBHOOK_WEBHOOK_CLIENT_H_
#define POLICYD_SRC_WEBHOOK_WEBHOOK_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "policyd/webhook.h"

namespace policyd {

struct WebhookRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines
  std::string body;
  std::chrono::milliseconds timeout{30'000};
};

class WebhookClient {
 public:
  struct Options {
    std::string user_agent;  // only used when the request's headers set none
    bool allow_private_addresses = false;
    std::vector<std::string> allowed_addresses;  // ParseIpRange syntax; bad entries ignored
    std::chrono::milliseconds connect_timeout{10'000};
    std::size_t max_response_bytes = 4096;
  };
  using Handler = std::function<void(DeliveryReport)>;

  WebhookClient(boost::asio::io_context& io, Options options);
  ~WebhookClient();  // Shutdown()
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  void Post(WebhookRequest request, Handler handler);
  // Aborts every request in flight (their handlers get kAborted); later Posts fail so too.
  void Shutdown();
  std::size_t in_flight() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyd

#endif  // POLICYD_SRC_WEBHOOK_WEBHOOK_CLIENT_H_
