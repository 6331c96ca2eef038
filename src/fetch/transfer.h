// Transfer: one request of a fetch from queueing to completion. Owns its easy handle, header
// list and response, and the curl callbacks that fill them: the decoded-body cap, the header
// collection (final response only, capped), and the address check on every socket curl
// opens. A page transfer does not let curl follow redirects: it reports the target
// (redirect_url()) and the Fetcher queues the next hop, a new Transfer of the same fetch
// (NextHop()). robots.txt transfers let curl follow them (set_curl_follows_redirects).
#ifndef POLICYD_SRC_FETCH_TRANSFER_H_
#define POLICYD_SRC_FETCH_TRANSFER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "address_policy.h"
#include "curl_handles.h"
#include "policyd/fetcher.h"
#include "redirect_chain.h"

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
  // For a redirect to follow (see redirect_url()) it is the redirect's, without its body.
  FetchResponse Finish(CURLcode result, Clock::time_point now);

  // After Finish(): the absolute URL that a 301, 302, 303, 307 or 308 response's Location points
  // to (CURLINFO_REDIRECT_URL; the Location resolved by ResolveRedirect when its body was cut
  // short), scheme unchecked, when curl does not follow redirects for this transfer and the
  // response did not fail; "" otherwise.
  const std::string& redirect_url() const { return redirect_url_; }

  // After Finish(): the next hop of this fetch, to `url` (its host key `host`), queued at
  // `now`: same id, handler (moved there), ignore_robots and validators (sent by the hop
  // requesting the URL they describe, FetchRequest::validators_url, and by no other); the chain
  // one hop longer, this transfer's time added to it, and, when this was the first request and
  // it answered 301 or 308, that move (FetchResponse::moved_permanently_to). `body_as_sent`: the
  // hop's URL is known to need it (FetchRequest::body_as_sent).
  std::unique_ptr<Transfer> NextHop(std::string url, std::string host, Clock::time_point now,
                                    bool body_as_sent);

  // After Finish(): whether the response failed only because curl could not undo its
  // Content-Encoding where a browser can: a label that names no coding ("UTF-8"), or a gzip body
  // with stray bytes after its end or several members (gzip_members.h). The fetch is then asked
  // again with RetryForBodyAsSent(), and a gzip body so asked for is decoded here.
  bool FailedOnCoding() const { return failed_on_coding_; }

  // After Finish(): the same request again, to the same URL, for the body as sent
  // (FetchRequest::body_as_sent): same id, handler (moved there), chain and validators.
  std::unique_ptr<Transfer> RetryForBodyAsSent(Clock::time_point now);

  // The response for a transfer that ends without (or before) curl finishing it.
  FetchResponse Fail(FetchError error, std::string message, Clock::time_point now);

  // Instead of failing with kTooLarge, keep the first max_body_bytes and succeed (robots.txt:
  // only a prefix of it is parsed anyway). Call before Prepare().
  void set_truncate_body(bool truncate) { truncate_body_ = truncate; }

  // Let curl follow redirects itself, up to options.max_redirects, every hop's address checked
  // but no robots.txt nor host queue consulted: for robots.txt only (RFC 9309 2.3.1.2). Call
  // before Prepare().
  void set_curl_follows_redirects(bool follow) { curl_follows_redirects_ = follow; }

  uint64_t id() const { return id_; }
  const FetchRequest& request() const { return request_; }
  const std::string& host() const { return host_; }
  const RedirectChain& chain() const { return chain_; }
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
  // At the end of a response's headers: whether it is a redirect the Fetcher will follow.
  bool IsRedirectToFollow() const;
  // Undoes a gzip coding of a body asked for as sent (FetchRequest::body_as_sent).
  void DecodeGzipAsSent();
  // Whether this hop sends the request's validators: it requests the URL they describe.
  bool SendsValidators() const;
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
  Clock::time_point finished_{};
  RedirectChain chain_;

  CurlEasy easy_;
  CurlSlist request_headers_;
  MultiSocketLoop* loop_ = nullptr;
  PeerAddressPolicy peers_;
  bool truncate_body_ = false;
  bool truncated_ = false;  // the body reached the cap with truncate_body_
  bool curl_follows_redirects_ = false;
  bool failed_on_coding_ = false;  // see FailedOnCoding()
  // The response being received is a redirect the Fetcher will follow: its body is read (so
  // that the connection can be reused) but not kept.
  bool redirect_response_ = false;
  std::size_t discarded_bytes_ = 0;  // of the redirect's body
  bool redirect_body_cut_ = false;   // stopped after max_body_bytes of it
  std::string redirect_url_;
  const std::vector<std::string>* accepted_content_types_ = nullptr;  // the fetcher's options
  std::size_t max_body_bytes_ = 0;
  std::chrono::milliseconds total_timeout_{0};  // the fetcher's, shared by a redirect chain
  std::size_t max_header_bytes_ = 0;            // per response
  std::size_t max_total_header_bytes_ = 0;      // all responses of the transfer (redirects, 1xx)
  std::size_t header_bytes_ = 0;
  std::size_t total_header_bytes_ = 0;
  // The blank line after this response's header section was seen: until the next status line,
  // what curl hands the header callback are chunked trailer fields (RFC 9110 6.5), counted
  // against the limits but never merged into the headers.
  bool header_section_done_ = false;

  FetchError recorded_ = FetchError::kNone;
  std::string recorded_message_;
  FetchResponse response_;
  char curl_error_[CURL_ERROR_SIZE] = {};
};

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_TRANSFER_H_
