// Transfer: one fetch from queueing to completion. Owns its easy handle, header list and
// response, and the curl callbacks that fill them: the decoded-body cap, the header
// collection (final response only, capped), and the address check on every socket curl
// opens.
#ifndef POLICYD_SRC_FETCH_TRANSFER_H_
#define POLICYD_SRC_FETCH_TRANSFER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "address_policy.h"
#include "curl_handles.h"
#include "policyd/fetcher.h"

namespace policyd {

class MultiSocketLoop;

class Transfer {
 public:
  using Clock = std::chrono::steady_clock;

  Transfer(uint64_t id, std::string host, FetchRequest request, Fetcher::Handler handler,
           Clock::time_point enqueued);
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Creates and configures the easy handle (CURLOPT_PRIVATE points at this transfer). The
  // address check and socket creation go through `loop`. On failure returns false and
  // leaves a description in *error.
  bool Prepare(const FetcherOptions& options, CURLSH* share, MultiSocketLoop* loop,
               Clock::time_point now, std::string* error);

  // The response for curl's `result`; call once, after the handle left the multi handle.
  FetchResponse Finish(CURLcode result, Clock::time_point now);

  // The response for a transfer that ends without (or before) curl finishing it.
  FetchResponse Fail(FetchError error, std::string message, Clock::time_point now);

  // Instead of failing with kTooLarge, keep the first max_body_bytes and succeed (robots.txt:
  // only a prefix of it is parsed anyway). Call before Prepare().
  void set_truncate_body(bool truncate) { truncate_body_ = truncate; }

  uint64_t id() const { return id_; }
  const FetchRequest& request() const { return request_; }
  const std::string& host() const { return host_; }
  CURL* easy() const { return easy_.get(); }
  Fetcher::Handler TakeHandler() { return std::move(handler_); }

 private:
  static size_t OnBody(char* data, size_t size, size_t count, void* transfer);
  static size_t OnHeader(char* data, size_t size, size_t count, void* transfer);
  static curl_socket_t OnOpenSocket(void* transfer, curlsocktype purpose, curl_sockaddr* address);

  size_t AppendBody(const char* data, size_t bytes);
  size_t AddHeaderLine(const char* data, size_t bytes);
  // At the end of a response's headers: false (and kContentType recorded) when a 2xx response
  // announces a media type outside accepted_content_types_.
  bool AcceptContentType();
  curl_socket_t OpenSocket(curlsocktype purpose, const curl_sockaddr& address);
  // Remembers why a callback stopped the transfer; the first reason wins.
  void Record(FetchError error, std::string message);
  bool ConfigureOptions(const FetcherOptions& options, CURLSH* share);

  const uint64_t id_;
  const std::string host_;
  const FetchRequest request_;
  Fetcher::Handler handler_;
  const Clock::time_point enqueued_;
  Clock::time_point started_{};

  CurlEasy easy_;
  CurlSlist request_headers_;
  MultiSocketLoop* loop_ = nullptr;
  PeerAddressPolicy peers_;
  bool truncate_body_ = false;
  bool truncated_ = false;  // the body reached the cap with truncate_body_
  const std::vector<std::string>* accepted_content_types_ = nullptr;  // the fetcher's options
  std::size_t max_body_bytes_ = 0;
  std::size_t max_header_bytes_ = 0;        // per response
  std::size_t max_total_header_bytes_ = 0;  // all responses of the transfer (redirects, 1xx)
  std::size_t header_bytes_ = 0;
  std::size_t total_header_bytes_ = 0;

  FetchError recorded_ = FetchError::kNone;
  std::string recorded_message_;
  FetchResponse response_;
  char curl_error_[CURL_ERROR_SIZE] = {};
};

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_TRANSFER_H_
