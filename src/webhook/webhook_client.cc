#include "webhook_client.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <utility>

#include <boost/asio/post.hpp>

#include "address_policy.h"
#include "curl_error.h"
#include "curl_handles.h"
#include "multi_socket_loop.h"
#include "policyd/ascii.h"
#include "policyd/clock.h"
#include "policyd/ip_range.h"
#include "policyd/retry_after.h"
#include "policyd/text_bounds.h"

namespace policyd {
namespace {

using Clock = std::chrono::steady_clock;

// How much of an error answer's body is quoted in last_error (after control characters are
// replaced): enough for "invalid signature", not a page.
constexpr std::size_t kQuotedBodyBytes = 200;

// A receiver's Retry-After is honoured up to a week (then retry_max bounds it, see webhook.h).
constexpr std::chrono::milliseconds kMaxRetryAfter = std::chrono::hours(24 * 7);

std::string_view Trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

// A body quoted in a message: one line, printable.
std::string Printable(std::string_view body) {
  std::string out = TruncateUtf8(Trim(body), kQuotedBodyBytes);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  return out;
}

std::chrono::milliseconds Millis(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration);
}

}  // namespace

// One POST: its easy handle and everything curl reads or writes while it runs.
struct WebhookPost {
  uint64_t id = 0;
  WebhookRequest request;
  WebhookClient::Handler handler;
  Clock::time_point started;
  CurlEasy easy;
  CurlSlist headers;
  const WebhookClient::Options* options = nullptr;
  MultiSocketLoop* loop = nullptr;
  const PeerAddressPolicy* peers = nullptr;  // the client's
  std::string response_prefix;               // the first bytes of the answer
  bool stopped_at_cap = false;               // we stopped reading the answer: not an error
  std::string retry_after;
  std::string location;
  bool blocked = false;
  std::string blocked_message;
  char curl_error[CURL_ERROR_SIZE] = {};

  static size_t OnBody(char* data, size_t size, size_t count, void* self) {
    auto* post = static_cast<WebhookPost*>(self);
    const size_t bytes = size * count;
    const size_t room = post->options->max_response_bytes - post->response_prefix.size();
    post->response_prefix.append(data, std::min(bytes, room));
    if (bytes > room) {
      post->stopped_at_cap = true;
      return CURL_WRITEFUNC_ERROR;  // enough: the status line is what counts
    }
    return bytes;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* self) {
    auto* post = static_cast<WebhookPost*>(self);
    const size_t bytes = size * count;
    const std::string_view line = Trim(std::string_view(data, bytes));
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.size() > 1024) return bytes;
    const std::string name = AsciiLower(Trim(line.substr(0, colon)));
    if (name == "retry-after") post->retry_after = std::string(Trim(line.substr(colon + 1)));
    if (name == "location") post->location = Printable(line.substr(colon + 1));
    return bytes;
  }

  static curl_socket_t OnOpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address) {
    auto* post = static_cast<WebhookPost*>(self);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    const sockaddr* peer = &address->addr;
    if (!post->peers->Allows(peer)) {
      post->blocked = true;
      post->blocked_message = "refused to connect to non-public address " + AddressToString(peer) +
                              " (allow_private_addresses or allowed_addresses admit it)";
      return CURL_SOCKET_BAD;  // curl tries the next address, then fails with COULDNT_CONNECT
    }
    return post->loop->OpenSocket(*address);
  }

  bool Configure() {
    easy.reset(curl_easy_init());
    if (!easy) return false;
    for (const std::string& line : request.headers) {
      if (!headers.Append(line)) return false;
    }
    CURL* const handle = easy.get();
    bool ok = true;
    const auto set = [&ok](CURLcode code) { ok = ok && code == CURLE_OK; };
    set(curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str()));
    set(curl_easy_setopt(handle, CURLOPT_PRIVATE, this));
    set(curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, curl_error));
    set(curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https"));
    // A redirect would send a signed event somewhere the operator did not name: never followed
    // (the 3xx counts as a failed attempt, its Location in the error).
    set(curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L));
    set(curl_easy_setopt(handle, CURLOPT_POST, 1L));
    set(curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data()));
    set(curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size())));
    set(curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get()));
    set(curl_easy_setopt(handle, CURLOPT_USERAGENT, options->user_agent.c_str()));
    set(curl_easy_setopt(
        handle, CURLOPT_CONNECTTIMEOUT_MS,
        static_cast<long>(std::max<int64_t>(options->connect_timeout.count(), 1))));
    set(curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS,
                         static_cast<long>(std::max<int64_t>(request.timeout.count(), 1))));
    set(curl_easy_setopt(handle, CURLOPT_PROXY, ""));  // as the fetcher: no silent detour
    set(curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &WebhookPost::OnBody));
    set(curl_easy_setopt(handle, CURLOPT_WRITEDATA, this));
    set(curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &WebhookPost::OnHeader));
    set(curl_easy_setopt(handle, CURLOPT_HEADERDATA, this));
    set(curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, &WebhookPost::OnOpenSocket));
    set(curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, this));
    return ok;
  }

  DeliveryReport Finish(CURLcode result, Clock::time_point now) {
    DeliveryReport report;
    report.elapsed = Millis(now - started);
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (stopped_at_cap && result == CURLE_WRITE_ERROR) result = CURLE_OK;
    if (result != CURLE_OK) {
      report.http_status = 0;
      if (blocked && result == CURLE_COULDNT_CONNECT) {
        report.outcome = DeliveryOutcome::kBlockedAddress;
        report.error = blocked_message;
        return report;
      }
      report.outcome = DeliveryOutcome::kTransportError;
      report.error = std::string(FetchErrorName(ClassifyCurlCode(result, status))) + ": " +
                     (curl_error[0] != '\0' ? curl_error : curl_easy_strerror(result));
      return report;
    }
    report.http_status = status;
    if (status >= 200 && status <= 299) {
      report.outcome = DeliveryOutcome::kDelivered;
      return report;
    }
    report.outcome = DeliveryOutcome::kRejected;
    report.error = "HTTP " + std::to_string(status);
    if (status >= 300 && status <= 399) {
      report.error += " (redirects are not followed" +
                      (location.empty() ? std::string() : "; Location: " + location) + ")";
    } else if (const std::string quoted = Printable(response_prefix); !quoted.empty()) {
      report.error += ": " + quoted;
    }
    if (const auto delay = ParseRetryAfter(retry_after, NowUnixMillis())) {
      report.retry_after = std::min<std::chrono::milliseconds>(*delay, kMaxRetryAfter);
    }
    return report;
  }
};

struct WebhookClient::Impl {
  Impl(boost::asio::io_context& io_context, Options client_options)
      : io(io_context),
        options(std::move(client_options)),
        loop(io_context, [this](CURL* easy, CURLcode result) { OnDone(easy, result); }) {
    peers = PeerAddressPolicy(options.allow_private_addresses, options.allowed_addresses);
  }

  void Post(WebhookRequest request, Handler handler) {
    auto post = std::make_unique<WebhookPost>();
    post->id = next_id++;
    post->request = std::move(request);
    post->handler = std::move(handler);
    post->started = Clock::now();
    post->options = &options;
    post->loop = &loop;
    post->peers = &peers;
    if (shut_down) {
      Deliver(std::move(post->handler), Failure(DeliveryOutcome::kAborted, "shutting down"));
      return;
    }
    if (!post->Configure() || !loop.Add(post->easy.get())) {
      Deliver(std::move(post->handler),
              Failure(DeliveryOutcome::kTransportError, "internal: cannot start the request"));
      return;
    }
    posts.emplace(post->id, std::move(post));
  }

  void OnDone(CURL* easy, CURLcode result) {
    char* private_data = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &private_data);
    const auto* post = reinterpret_cast<const WebhookPost*>(private_data);
    const auto it = post != nullptr ? posts.find(post->id) : posts.end();
    if (it == posts.end()) return;
    const std::unique_ptr<WebhookPost> done = std::move(it->second);
    posts.erase(it);
    DeliveryReport report = done->Finish(result, Clock::now());
    Deliver(std::move(done->handler), std::move(report));
  }

  static DeliveryReport Failure(DeliveryOutcome outcome, std::string message) {
    DeliveryReport report;
    report.outcome = outcome;
    report.error = std::move(message);
    return report;
  }

  // Handlers run from the io_context's queue, never inside curl's call stack.
  void Deliver(Handler handler, DeliveryReport report) {
    if (!handler) return;
    boost::asio::post(io, [handler = std::move(handler), report = std::move(report)]() mutable {
      handler(std::move(report));
    });
  }

  void Shutdown() {
    if (shut_down) return;
    shut_down = true;
    for (auto& [id, post] : posts) {
      loop.Remove(post->easy.get());
      Deliver(std::move(post->handler), Failure(DeliveryOutcome::kAborted, "shutting down"));
    }
    posts.clear();  // easy handles go before the multi handle
    loop.Close();
  }

  boost::asio::io_context& io;
  const Options options;
  PeerAddressPolicy peers;
  std::unordered_map<uint64_t, std::unique_ptr<WebhookPost>> posts;
  MultiSocketLoop loop;
  uint64_t next_id = 1;
  bool shut_down = false;
};

WebhookClient::WebhookClient(boost::asio::io_context& io, Options options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}

WebhookClient::~WebhookClient() { impl_->Shutdown(); }

void WebhookClient::Post(WebhookRequest request, Handler handler) {
  impl_->Post(std::move(request), std::move(handler));
}

void WebhookClient::Shutdown() { impl_->Shutdown(); }

std::size_t WebhookClient::in_flight() const { return impl_->posts.size(); }

}  // namespace policyd
