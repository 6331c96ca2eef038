#include "transfer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "address_policy.h"
#include "curl_error.h"
#include "gzip_members.h"
#include "multi_socket_loop.h"
#include "policyd/ascii.h"
#include "policyd/media_type.h"
#include "redirect_chain.h"

namespace policyd {
namespace {

// Response headers worth keeping: validators, caching, retry and refresh hints, what a person
// debugging a fetch wants to see, and the headers with which CDNs and bot managers mark a
// challenge (the error-page guard decides on them). Everything else is dropped unread.
constexpr std::array<std::string_view, 15> kKeptHeaders = {
    "cache-control", "cf-mitigated", "content-encoding",  "content-length", "content-type",
    "date",          "etag",         "last-modified",     "location",       "refresh",
    "retry-after",   "server",       "x-amzn-waf-action", "x-datadome",     "x-vercel-mitigated",
};

bool IsKept(std::string_view name) {
  return std::find(kKeptHeaders.begin(), kKeptHeaders.end(), name) != kKeptHeaders.end();
}

// Kept fields that hold one value, not a list (RFC 9110 5.3 allows combining only lists): sent
// twice (a framework's default, then the page's own), the last one counts, as in browsers.
// "text/html, text/html; charset=UTF-8" would be no media type at all.
bool IsSingleValue(std::string_view name) {
  return name == "content-type" || name == "content-length" || name == "date" || name == "etag" ||
         name == "last-modified" || name == "location" || name == "refresh" ||
         name == "retry-after";
}

std::string_view Trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

// True when a Content-Encoding value names no content coding curl undoes (gzip, deflate, br,
// zstd), only labels that are none: "UTF-8", "binary", "x-custom" (identity aside). A body so
// labelled is the body as sent, as browsers show it; one with a real coding among others is
// not (undoing nothing would give compressed bytes).
bool NamesNoKnownCoding(std::string_view value) {
  bool unknown = false;
  std::size_t begin = 0;
  while (begin <= value.size()) {
    std::size_t end = value.find(',', begin);
    if (end == std::string_view::npos) end = value.size();
    std::string token = AsciiLower(Trim(value.substr(begin, end - begin)));
    if (token == "gzip" || token == "x-gzip" || token == "deflate" || token == "br" ||
        token == "zstd") {
      return false;
    }
    unknown = unknown || (!token.empty() && token != "identity");
    begin = end + 1;
  }
  return unknown;
}

// True when a Content-Encoding value is gzip alone (x-gzip is its old name, RFC 9110 8.4.1.3).
bool IsGzipAlone(std::string_view value) {
  const std::string coding = AsciiLower(Trim(value));
  return coding == "gzip" || coding == "x-gzip";
}

// Validators come from earlier responses, i.e. from servers: one carrying CR, LF or another
// control character would inject request headers, so it is not sent at all.
bool IsSafeHeaderValue(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t') || byte == 0x7f;
  });
}

std::string Find(const std::map<std::string, std::string>& headers, const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

// The cookies `easy`'s engine holds (the chain's and the ones this hop set), for the next
// hop. Bounded by curl: it keeps at most 50 cookies of a response and drops oversized ones,
// and this transfer's header limits bound what a chain can set in all.
std::vector<std::string> CookiesOf(CURL* easy) {
  curl_slist* raw = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_COOKIELIST, &raw) != CURLE_OK) return {};
  const std::unique_ptr<curl_slist, CurlSlistDeleter> list(raw);
  std::vector<std::string> cookies;
  for (const curl_slist* entry = list.get(); entry != nullptr; entry = entry->next) {
    cookies.emplace_back(entry->data);
  }
  return cookies;
}

std::chrono::milliseconds Millis(Transfer::Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration);
}

// CURLOPT_TIMEOUT_MS for a hop: what the chain has left of total_timeout, at least 1 ms (0
// would mean no limit; the Fetcher does not start a hop with nothing left), or 0 without one.
long TimeoutMillis(const RedirectChain& chain, std::chrono::milliseconds total_timeout) {
  const std::optional<Transfer::Clock::duration> remaining = chain.Remaining(total_timeout);
  if (!remaining) return 0;
  return static_cast<long>(
      std::max<int64_t>(std::chrono::ceil<std::chrono::milliseconds>(*remaining).count(), 1));
}

}  // namespace

Transfer::Transfer(uint64_t id, std::string host, FetchRequest request, Fetcher::Handler handler,
                   Clock::time_point enqueued)
    : id_(id),
      host_(std::move(host)),
      request_(std::move(request)),
      handler_(std::move(handler)),
      enqueued_(enqueued) {
  chain_.first_url = request_.url;
  response_.url = request_.url;
  response_.conditional = SendsValidators();
}

bool Transfer::SendsValidators() const {
  const bool has_validators =
      !request_.if_none_match.empty() || !request_.if_modified_since.empty();
  const std::string& described =
      request_.validators_url.empty() ? chain_.first_url : request_.validators_url;
  return has_validators && request_.url == described;
}

std::unique_ptr<Transfer> Transfer::RetryForBodyAsSent(Clock::time_point now) {
  FetchRequest request = request_;
  request.body_as_sent = true;
  auto again = std::make_unique<Transfer>(id_, host_, std::move(request), std::move(handler_), now);
  again->chain_ = chain_;
  again->chain_.spent += finished_ - started_;
  again->chain_.queued += started_ - enqueued_;
  again->response_.url = chain_.first_url;
  return again;
}

std::unique_ptr<Transfer> Transfer::NextHop(std::string url, std::string host,
                                            Clock::time_point now, bool body_as_sent) {
  FetchRequest request;
  request.url = std::move(url);
  request.body_as_sent = body_as_sent;
  request.ignore_robots = request_.ignore_robots;
  request.if_none_match = request_.if_none_match;
  request.if_modified_since = request_.if_modified_since;
  request.validators_url =
      request_.validators_url.empty() ? chain_.first_url : request_.validators_url;
  auto next = std::make_unique<Transfer>(id_, std::move(host), std::move(request),
                                         std::move(handler_), now);
  next->chain_ = chain_;
  next->chain_.hops += 1;
  const long status = response_.http_status;
  if (chain_.hops == 0 && (status == 301 || status == 308)) {
    next->chain_.moved_permanently_status = status;
    next->chain_.moved_permanently_to = next->request_.url;
  }
  next->chain_.spent += finished_ - started_;
  next->chain_.queued += started_ - enqueued_;
  next->response_.url = chain_.first_url;
  return next;
}

bool Transfer::Prepare(const FetcherOptions& options, CURLSH* share, MultiSocketLoop* loop,
                       Clock::time_point now, std::string* error) {
  started_ = now;
  response_.queued = Millis(chain_.queued + (now - enqueued_));
  loop_ = loop;
  peers_ = PeerAddressPolicy(options.allow_private_addresses, options.allowed_addresses);
  max_body_bytes_ = options.max_body_bytes;
  total_timeout_ = options.total_timeout;
  accepted_content_types_ = &options.accepted_content_types;
  max_header_bytes_ = options.max_header_bytes;
  const auto responses = static_cast<std::size_t>(std::max(options.max_redirects, 0L)) + 2;
  max_total_header_bytes_ = max_header_bytes_ * responses;  // + one for a 1xx interim

  easy_.reset(curl_easy_init());
  if (!easy_) {
    *error = "curl_easy_init failed";
    return false;
  }
  const bool validators = SendsValidators();
  if (validators && !request_.if_none_match.empty() && IsSafeHeaderValue(request_.if_none_match) &&
      !request_headers_.Append("If-None-Match: " + request_.if_none_match)) {
    *error = "out of memory building request headers";
    return false;
  }
  if (validators && !request_.if_modified_since.empty() &&
      IsSafeHeaderValue(request_.if_modified_since) &&
      !request_headers_.Append("If-Modified-Since: " + request_.if_modified_since)) {
    *error = "out of memory building request headers";
    return false;
  }
  if (!options.from.empty() && IsSafeHeaderValue(options.from) &&
      !request_headers_.Append("From: " + options.from)) {
    *error = "out of memory building request headers";
    return false;
  }
  if (!ConfigureOptions(options, share)) {
    *error = "curl_easy_setopt failed";
    return false;
  }
  return true;
}

bool Transfer::ConfigureOptions(const FetcherOptions& options, CURLSH* share) {
  CURL* const easy = easy_.get();
  const long low_speed_seconds =  // curl counts whole seconds; round up (0: no limit)
      static_cast<long>((std::max<int64_t>(options.low_speed_time.count(), 0) + 999) / 1000);
  bool ok = true;
  const auto set = [&ok](CURLcode code) { ok = ok && code == CURLE_OK; };
  set(curl_easy_setopt(easy, CURLOPT_URL, request_.url.c_str()));
  set(curl_easy_setopt(easy, CURLOPT_PRIVATE, this));
  set(curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error_));
  set(curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  if (curl_follows_redirects_) {
    set(curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L));
    set(curl_easy_setopt(easy, CURLOPT_MAXREDIRS, std::max(options.max_redirects, 0L)));
  }
  if (request_.body_as_sent) {
    set(curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L));
  } else {
    set(curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, ""));  // all that curl can decode
  }
  set(curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS)));
  // No CURLOPT_PIPEWAIT: it would make a transfer wait for a sibling's connection to reveal
  // whether it multiplexes, i.e. a server that never answers one request stalls the others.
  // curl rejects negative values; 0 means "no limit" for the total, "default" for connect.
  set(curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                       static_cast<long>(std::max<int64_t>(options.connect_timeout.count(), 0))));
  set(curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, TimeoutMillis(chain_, options.total_timeout)));
  if (options.low_speed_limit_bytes > 0 && low_speed_seconds > 0) {
    set(curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit_bytes));
    set(curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, low_speed_seconds));
  }
  set(curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str()));
  if (request_headers_.get() != nullptr) {
    set(curl_easy_setopt(easy, CURLOPT_HTTPHEADER, request_headers_.get()));
  }
  // Early refusal when the server announces a Content-Length above the cap; the write
  // callback enforces the cap on the decoded bytes either way.
  if (!truncate_body_) {
    set(curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                         static_cast<curl_off_t>(options.max_body_bytes)));
  }
  // Proxies from the environment (http_proxy, ...) are ignored: they would be subject to the
  // address policy themselves, and a crawler that silently changes route is hard to operate.
  set(curl_easy_setopt(easy, CURLOPT_PROXY, ""));
  set(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::OnBody));
  set(curl_easy_setopt(easy, CURLOPT_WRITEDATA, this));
  set(curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader));
  set(curl_easy_setopt(easy, CURLOPT_HEADERDATA, this));
  set(curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Transfer::OnOpenSocket));
  set(curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this));
  if (share != nullptr) set(curl_easy_setopt(easy, CURLOPT_SHARE, share));
  // curl's cookie engine, in memory only ("" reads no file), holding the chain's cookies.
  set(curl_easy_setopt(easy, CURLOPT_COOKIEFILE, ""));
  for (const std::string& cookie : chain_.cookies) {
    set(curl_easy_setopt(easy, CURLOPT_COOKIELIST, cookie.c_str()));
  }
  return ok;
}

size_t Transfer::OnBody(char* data, size_t size, size_t count, void* transfer) {
  return static_cast<Transfer*>(transfer)->AppendBody(data, size * count);
}

size_t Transfer::OnHeader(char* data, size_t size, size_t count, void* transfer) {
  return static_cast<Transfer*>(transfer)->AddHeaderLine(data, size * count);
}

curl_socket_t Transfer::OnOpenSocket(void* transfer, curlsocktype purpose, curl_sockaddr* address) {
  return static_cast<Transfer*>(transfer)->OpenSocket(purpose, *address);
}

size_t Transfer::AppendBody(const char* data, size_t bytes) {
  if (redirect_response_) {  // not the document; read to reuse the connection, within the cap
    discarded_bytes_ += bytes;
    if (discarded_bytes_ <= max_body_bytes_) return bytes;
    redirect_body_cut_ = true;
    return CURL_WRITEFUNC_ERROR;  // the Location is known: stop, Finish() follows it anyway
  }
  // `bytes` are decoded (curl removed the Content-Encoding), so a compression bomb stops here.
  if (bytes > max_body_bytes_ - response_.body.size()) {
    if (truncate_body_) {
      response_.body.append(data, max_body_bytes_ - response_.body.size());
      truncated_ = true;
      return CURL_WRITEFUNC_ERROR;  // enough read: stop, Finish() keeps the prefix
    }
    Record(FetchError::kTooLarge,
           "decoded body exceeds " + std::to_string(max_body_bytes_) + " bytes");
    return CURL_WRITEFUNC_ERROR;
  }
  response_.body.append(data, bytes);
  return bytes;
}

size_t Transfer::AddHeaderLine(const char* data, size_t bytes) {
  const std::string_view line = Trim(std::string_view(data, bytes));
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 1xx): only the final one's headers count, and
    // whatever body a redirect carried is not the document.
    response_.headers.clear();
    response_.body.clear();
    header_bytes_ = 0;
    redirect_response_ = false;
    header_section_done_ = false;
  }
  header_bytes_ += bytes;
  total_header_bytes_ += bytes;
  if (header_bytes_ > max_header_bytes_ || total_header_bytes_ > max_total_header_bytes_) {
    Record(FetchError::kProtocol,
           "response headers exceed " + std::to_string(max_header_bytes_) + " bytes");
    return 0;  // anything but `bytes` makes curl fail with CURLE_WRITE_ERROR
  }
  if (header_section_done_) return bytes;  // a trailer field, or the blank line after them
  if (line.empty()) {                      // end of this response's headers
    header_section_done_ = true;
    if (!AcceptContentType()) return 0;
    redirect_response_ = IsRedirectToFollow();
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || line.starts_with("HTTP/")) return bytes;
  const std::string name = AsciiLower(Trim(line.substr(0, colon)));
  if (!IsKept(name)) return bytes;
  const std::string_view value = Trim(line.substr(colon + 1));
  std::string& slot = response_.headers[name];
  // Repeated list fields combine into one comma-separated value (RFC 9110, section 5.3).
  if (IsSingleValue(name)) {
    slot.clear();
  } else if (!slot.empty()) {
    slot += ", ";
  }
  slot += value;
  return bytes;
}

bool Transfer::AcceptContentType() {
  if (accepted_content_types_ == nullptr || accepted_content_types_->empty()) return true;
  long status = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
  // Redirects, 1xx and errors are not documents; the daemon classifies them by status.
  if (status < 200 || status > 299) return true;
  const auto it = response_.headers.find("content-type");
  const std::string lower = it == response_.headers.end() ? "" : MediaType(it->second);
  if (lower.empty()) return true;  // none, or none that parses: let the extractor sniff it
  if (std::any_of(accepted_content_types_->begin(), accepted_content_types_->end(),
                  [&](const std::string& accepted) { return AsciiLower(accepted) == lower; })) {
    return true;
  }
  Record(FetchError::kContentType, "content type \"" + lower + "\" not accepted");
  return false;
}

bool Transfer::IsRedirectToFollow() const {
  if (curl_follows_redirects_) return false;
  long status = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
  const auto location = response_.headers.find("location");
  return IsFollowedRedirect(status) && location != response_.headers.end() &&
         !location->second.empty();
}

curl_socket_t Transfer::OpenSocket(curlsocktype purpose, const curl_sockaddr& address) {
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  if (!peers_.Allows(&address.addr)) {
    Record(FetchError::kBlockedAddress,
           "refused to connect to non-public address " + AddressToString(&address.addr));
    return CURL_SOCKET_BAD;  // curl tries the next address, then fails with COULDNT_CONNECT
  }
  return loop_->OpenSocket(address);
}

void Transfer::Record(FetchError error, std::string message) {
  if (recorded_ != FetchError::kNone) return;
  recorded_ = error;
  recorded_message_ = std::move(message);
}

namespace {

// curl's words for two failures that are the server's but read like a local fault or name no
// page: a body its decoder refused ("Failed writing received data to disk/application", "Error
// while processing content unencoding: incorrect header check") and a header line over its
// limit ("Out of memory").
std::string ExplainCurlFailure(CURLcode result, const std::string& curl_message,
                               const FetchResponse& response, std::size_t max_body_bytes) {
  const std::string content_encoding = Find(response.headers, "content-encoding");
  if (result == CURLE_FILESIZE_EXCEEDED) {
    // Refused on its Content-Length, before any body byte: the setting that refused it.
    return "the body is larger than max_body_bytes (" + std::to_string(max_body_bytes) +
           " bytes): Content-Length " + Find(response.headers, "content-length");
  }
  if ((result == CURLE_WRITE_ERROR || result == CURLE_BAD_CONTENT_ENCODING) &&
      !content_encoding.empty()) {
    return "the body could not be decoded (Content-Encoding: " + content_encoding +
           "): curl: " + curl_message;
  }
  if (result == CURLE_OUT_OF_MEMORY) {
    return "a response header line longer than curl takes (" +
           std::to_string(CURL_MAX_HTTP_HEADER / 1024) +
           " KiB), or memory ran out: curl: " + curl_message;
  }
  return curl_message;
}

}  // namespace

void Transfer::DecodeGzipAsSent() {
  Gunzipped decoded = GunzipMembers(response_.body, max_body_bytes_);
  switch (decoded.outcome) {
    case GunzipOutcome::kDecoded:
      response_.body = std::move(decoded.bytes);
      return;
    case GunzipOutcome::kTooLarge:
      response_.error = FetchError::kTooLarge;
      response_.error_message =
          "decoded body exceeds " + std::to_string(max_body_bytes_) + " bytes";
      return;
    case GunzipOutcome::kDamaged:
      response_.error = FetchError::kProtocol;
      response_.error_message = "the body could not be decoded (Content-Encoding: " +
                                Find(response_.headers, "content-encoding") +
                                "): " + decoded.problem;
      return;
  }
}

FetchResponse Transfer::Finish(CURLcode result, Clock::time_point now) {
  long status = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
  char* effective_url = nullptr;
  curl_easy_getinfo(easy_.get(), CURLINFO_EFFECTIVE_URL, &effective_url);
  response_.http_status = status;
  response_.final_url = effective_url != nullptr ? effective_url : request_.url;
  response_.redirects = static_cast<int>(chain_.hops);
  response_.moved_permanently_status = chain_.moved_permanently_status;
  response_.moved_permanently_to = chain_.moved_permanently_to;
  finished_ = now;

  // A reason a callback recorded explains curl's generic failure (CURLE_WRITE_ERROR,
  // CURLE_COULDNT_CONNECT); a refused address is only the cause when nothing else connected.
  if ((truncated_ || redirect_body_cut_) && result == CURLE_WRITE_ERROR) {
    result = CURLE_OK;  // our own stop
  }
  const bool use_recorded =
      result != CURLE_OK && recorded_ != FetchError::kNone &&
      (recorded_ != FetchError::kBlockedAddress || result == CURLE_COULDNT_CONNECT);
  if (use_recorded) {
    response_.error = recorded_;
    response_.error_message = recorded_message_;
  } else {
    response_.error = ClassifyCurlCode(result, status);
    if (response_.error != FetchError::kNone) {
      response_.error_message = ExplainCurlFailure(
          result, curl_error_[0] != '\0' ? curl_error_ : curl_easy_strerror(result), response_,
          max_body_bytes_);
    }
  }
  if (response_.error == FetchError::kTimeout && chain_.hops > 0) {
    // curl's message times this hop only; the limit it reached is the whole chain's.
    response_.error_message =
        "after " + std::to_string(chain_.hops) + " redirect(s) from " + chain_.first_url + ", " +
        std::to_string(Millis(chain_.spent + (now - started_)).count()) +
        " ms in all (total_timeout " + std::to_string(total_timeout_.count()) +
        " ms): " + response_.error_message;
  }
  const std::string coding = Find(response_.headers, "content-encoding");
  const bool no_coding_named = result == CURLE_BAD_CONTENT_ENCODING && NamesNoKnownCoding(coding);
  // curl's gzip decoder refuses bytes after the first member's end (CURLE_WRITE_ERROR, no
  // callback of ours having stopped it).
  const bool gzip_refused = result == CURLE_WRITE_ERROR && !use_recorded && IsGzipAlone(coding);
  failed_on_coding_ =
      (no_coding_named || gzip_refused) && !request_.body_as_sent && !curl_follows_redirects_;
  if (response_.error == FetchError::kNone && request_.body_as_sent && IsGzipAlone(coding)) {
    DecodeGzipAsSent();
  }
  if (response_.error != FetchError::kNone) response_.body.clear();  // never a partial document
  if (response_.error == FetchError::kNone && !curl_follows_redirects_ &&
      IsFollowedRedirect(status)) {
    // curl's "would redirect to" when the response completed; when we cut its body short,
    // curl computed none, and the Location is resolved here the same way.
    char* would_redirect = nullptr;
    curl_easy_getinfo(easy_.get(), CURLINFO_REDIRECT_URL, &would_redirect);
    const std::string location = would_redirect != nullptr ? std::string(would_redirect)
                                 : redirect_body_cut_      ? Find(response_.headers, "location")
                                                           : std::string();
    if (!location.empty()) {
      // Unparsable stays as it is, for FollowRedirect to refuse by name.
      const std::string resolved = ResolveRedirect(response_.final_url, location);
      redirect_url_ = resolved.empty() ? location : resolved;
      chain_.cookies = CookiesOf(easy_.get());
    }
  }

  response_.content_type = Find(response_.headers, "content-type");
  response_.etag = Find(response_.headers, "etag");
  response_.last_modified = Find(response_.headers, "last-modified");
  response_.retry_after = Find(response_.headers, "retry-after");
  response_.elapsed = Millis(chain_.spent + (now - started_));
  return std::move(response_);
}

FetchResponse Transfer::Fail(FetchError error, std::string message, Clock::time_point now) {
  response_.error = error;
  response_.error_message = std::move(message);
  response_.body.clear();
  if (started_ == Clock::time_point{}) {
    response_.queued = Millis(chain_.queued + (now - enqueued_));
    response_.elapsed = Millis(chain_.spent);
  } else {
    response_.elapsed = Millis(chain_.spent + (now - started_));
  }
  return std::move(response_);
}

}  // namespace policyd
