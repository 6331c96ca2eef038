#include "page_render.h"

#include <utility>

#include "policyd/base64.h"
#include "policyd/json_text.h"
#include "policyd/text_bounds.h"
#include "robots_cache.h"  // src/fetch: LocateRobots

namespace policyd {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxBlockedUrls = 32;
constexpr std::chrono::milliseconds kSettlePoll{100};

// The plain fetch's headers as Fetch.fulfillRequest wants them. The body is already decoded,
// so the encoding and length headers would be wrong.
json ResponseHeaders(const std::map<std::string, std::string>& headers) {
  json out = json::array();
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    if (name == "content-encoding" || name == "content-length" || name == "transfer-encoding") {
      continue;
    }
    has_type = has_type || name == "content-type";
    out.push_back({{"name", name}, {"value", value}});
  }
  if (!has_type) out.push_back({{"name", "content-type"}, {"value", "text/html"}});
  return out;
}

// JavaScript (JSON is valid JS) that is true once one of `selectors` matches; an invalid
// selector matches nothing rather than throwing.
std::string SelectorExpression(const std::vector<std::string>& selectors) {
  return JsonText(json(selectors)) +
         ".some(s => { try { return document.querySelector(s) !== null; } "
         "catch (e) { return false; } })";
}

std::string SerializeExpression(std::size_t max_bytes) {
  // UTF-16 code units never outnumber UTF-8 bytes, so a longer string is certainly too large;
  // checking here keeps a huge DOM from crossing the pipe at all.
  return "(() => { const h = document.documentElement ? document.documentElement.outerHTML : '';"
         " return h.length > " +
         std::to_string(max_bytes) +
         " ? {tooLarge: h.length} : {url: location.href, html: h}; })()";
}

}  // namespace

PageRender::PageRender(boost::asio::io_context& io, std::shared_ptr<CdpConnection> cdp,
                       AddressGate& gate, const BrowserOptions& options, RenderRequest request,
                       std::string browser_version, DoneFn on_done, DisposedFn on_disposed)
    : io_(io),
      cdp_(std::move(cdp)),
      gate_(gate),
      options_(options),
      request_(std::move(request)),
      browser_version_(std::move(browser_version)),
      on_done_(std::move(on_done)),
      on_disposed_(std::move(on_disposed)),
      started_(Clock::now()),
      deadline_(io),
      settle_timer_(io),
      last_activity_(started_) {
  if (const Result<RobotsLocation> location = LocateRobots(request_.url); location.ok()) {
    page_origin_ = location->origin;
  }
}

void PageRender::Start() {
  deadline_.expires_after(options_.page_timeout);
  deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto self = weak.lock();
    if (error || !self) return;
    self->Finish(RenderError::kTimeout, self->TimeoutMessage());
  });
  gate_.Check(request_.url, [weak = weak_from_this()](bool allowed) {
    auto self = weak.lock();
    if (!self || self->done_) return;
    if (!allowed) {
      self->Finish(RenderError::kBlockedAddress, "address not allowed: " + self->request_.url);
      return;
    }
    self->CreateContext();
  });
}

void PageRender::Command(const std::string& method, json params, const std::string& session,
                         std::function<void(json result)> on_result) {
  cdp_->Send(method, std::move(params), session,
             [weak = weak_from_this(), method, on_result = std::move(on_result)](CdpReply reply) {
               auto self = weak.lock();
               if (!self || self->done_) return;
               if (!reply.ok) {
                 self->Finish(RenderError::kProtocol, method + " failed: " + reply.error);
                 return;
               }
               if (on_result) on_result(std::move(reply.result));
             });
}

void PageRender::CreateContext() {
  Command("Target.createBrowserContext", {{"disposeOnDetach", true}}, "", [this](json result) {
    context_id_ = result.value("browserContextId", std::string());
    CreateTarget();
  });
}

void PageRender::CreateTarget() {
  Command("Target.createTarget", {{"url", "about:blank"}, {"browserContextId", context_id_}}, "",
          [this](json result) { Attach(result.value("targetId", std::string())); });
}

void PageRender::Attach(const std::string& target_id) {
  Command("Target.attachToTarget", {{"targetId", target_id}, {"flatten", true}}, "",
          [this](json result) {
            session_ = result.value("sessionId", std::string());
            SetUpSession(session_, /*main=*/true);
          });
}

// Interception first, then (main) navigation or (child) resumption. Commands on one session
// run in order, so the last answer means all are in effect.
void PageRender::SetUpSession(const std::string& session, bool main) {
  std::vector<std::pair<std::string, json>> commands = {
      {"Network.enable", json::object()},
      {"Fetch.enable", {{"patterns", json::array({{{"urlPattern", "*"}}})}}},
      // Fetch interception does not see WebSocket handshakes.
      {"Network.setBlockedURLs", {{"urls", json::array({"ws://*", "wss://*"})}}},
      {"Target.setAutoAttach",
       {{"autoAttach", true}, {"waitForDebuggerOnStart", true}, {"flatten", true}}},
  };
  if (!options_.user_agent.empty()) {
    commands.push_back({"Network.setUserAgentOverride", {{"userAgent", options_.user_agent}}});
  }
  if (main) commands.push_back({"Page.enable", json::object()});
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const bool last = i + 1 == commands.size();
    if (!main) {
      // A worker lacks some domains: its failures must not fail the page.
      cdp_->Send(commands[i].first, std::move(commands[i].second), session, nullptr);
      if (last) cdp_->Send("Runtime.runIfWaitingForDebugger", json::object(), session, nullptr);
      continue;
    }
    Command(commands[i].first, std::move(commands[i].second), session,
            last ? std::function<void(json)>([this](json) { Navigate(); }) : nullptr);
  }
}

void PageRender::Navigate() {
  Command("Page.navigate", {{"url", request_.url}}, session_, [this](json result) {
    if (const std::string error = result.value("errorText", std::string()); !error.empty()) {
      Finish(RenderError::kProtocol, "navigation failed: " + error);
    }
  });
}

bool PageRender::OnEvent(const std::string& method, const std::string& session,
                         const json& params) {
  if (session.empty() || (session != session_ && !child_sessions_.contains(session))) {
    return false;
  }
  if (done_) return true;
  if (method == "Fetch.requestPaused") {
    OnRequestPaused(session, params);
  } else if (method.starts_with("Network.")) {
    OnNetworkEvent(method, params);
  } else if (method == "Page.loadEventFired" && session == session_) {
    loaded_ = true;
    last_activity_ = Clock::now();
    ArmSettleTimer();
  } else if (method == "Page.frameNavigated" && session == session_) {
    OnFrameNavigated(params);
  } else if (method == "Target.attachedToTarget") {
    OnChildAttached(params);
  } else if (method == "Target.detachedFromTarget") {
    child_sessions_.erase(params.value("sessionId", std::string()));
  } else if (method == "Page.javascriptDialogOpening" && session == session_) {
    cdp_->Send("Page.handleJavaScriptDialog", {{"accept", true}}, session_, nullptr);
  } else if (method == "Inspector.targetCrashed" && session == session_) {
    Finish(RenderError::kCrashed, "the page's renderer crashed");
  }
  return true;
}

void PageRender::OnFrameNavigated(const json& params) {
  const auto frame = params.find("frame");
  if (!main_fulfilled_ || frame == params.end() || !frame->is_object() ||
      frame->contains("parentId") || frame->value("id", std::string()) != main_frame_) {
    return;
  }
  // A navigation that reaches the network is stopped in OnRequestPaused; one to a blob: (or
  // about:, data:) URL the page made itself commits without a request, and the document is
  // then the script's, not the one fetched.
  const std::string url = frame->value("url", std::string());
  if (url.starts_with("http://") || url.starts_with("https://")) return;
  Finish(RenderError::kNavigated, "the page's script navigated to " + TruncateUtf8(url, 256) +
                                      ", a document the site never served for this page; refused");
}

void PageRender::OnChildAttached(const json& params) {
  const std::string child = params.value("sessionId", std::string());
  if (child.empty()) return;
  child_sessions_.insert(child);
  SetUpSession(child, /*main=*/false);
}

void PageRender::OnRequestPaused(const std::string& session, const json& params) {
  const std::string request_id = params.value("requestId", std::string());
  const bool main_frame_document = session == session_ &&
                                   params.value("resourceType", "") == "Document" &&
                                   (!main_fulfilled_ || params.value("frameId", "") == main_frame_);
  if (main_frame_document && !main_fulfilled_) {
    main_frame_ = params.value("frameId", std::string());
    FulfillMainDocument(session, request_id);
    return;
  }
  const std::string url = params.contains("request") ? params["request"].value("url", "") : "";
  if (main_frame_document) {  // navigated elsewhere by a script: the page stays
    // Aborted cancels the navigation; any other reason would commit chromium's error page.
    cdp_->Send("Fetch.failRequest", {{"requestId", request_id}, {"errorReason", "Aborted"}},
               session, nullptr);
    if (blocked_urls_.size() < kMaxBlockedUrls) blocked_urls_.push_back(url);
    last_activity_ = Clock::now();
    if (!loaded_) {
      // Started before the load event, the navigation stopped the parser and cancelled the
      // load: what is left is a cut page, never to be stored. Said at once, not after the
      // page timeout as "no load event".
      return Finish(RenderError::kNavigated,
                    "the page's script navigated to " + url +
                        " before its load event; the navigation was refused (the browser "
                        "would fetch that page past robots.txt): point the target at that URL "
                        "if it is the policy");
    }
    return;
  }
  if (const RefusedRequest refused = Refuses(params.value("resourceType", ""), url);
      refused != RefusedRequest::kNo) {
    cdp_->Send("Fetch.failRequest", {{"requestId", request_id}, {"errorReason", "BlockedByClient"}},
               session, nullptr);
    if (refused == RefusedRequest::kByRobots && blocked_urls_.size() < kMaxBlockedUrls) {
      blocked_urls_.push_back(url);
    }
    last_activity_ = Clock::now();
    return;
  }
  ++undecided_;
  gate_.Check(url, [weak = weak_from_this(), session, request_id, url](bool allowed) {
    auto self = weak.lock();
    if (!self || self->done_) return;
    --self->undecided_;
    self->last_activity_ = Clock::now();
    if (allowed) {
      self->cdp_->Send("Fetch.continueRequest", {{"requestId", request_id}}, session, nullptr);
      return;
    }
    self->cdp_->Send("Fetch.failRequest",
                     {{"requestId", request_id}, {"errorReason", "BlockedByClient"}}, session,
                     nullptr);
    if (self->blocked_urls_.size() < kMaxBlockedUrls) self->blocked_urls_.push_back(url);
  });
}

PageRender::RefusedRequest PageRender::Refuses(std::string_view resource_type,
                                               const std::string& url) const {
  // What only draws the page (its text is in the DOM, `alt` included) costs the site a request
  // for nothing: images, media, fonts, and the icon the browser asks for on its own.
  if (resource_type == "Image" || resource_type == "Media" || resource_type == "Font") {
    return RefusedRequest::kNotNeeded;
  }
  const Result<RobotsLocation> location = LocateRobots(url);
  if (!location.ok()) return RefusedRequest::kNo;  // not http(s): the gate decides
  if (location->path_and_query == "/favicon.ico") return RefusedRequest::kNotNeeded;
  if (request_.robots == nullptr || location->origin != page_origin_) return RefusedRequest::kNo;
  return request_.robots->IsAllowed(location->path_and_query, request_.robots_product_token)
             ? RefusedRequest::kNo
             : RefusedRequest::kByRobots;
}

void PageRender::FulfillMainDocument(const std::string& session, const std::string& request_id) {
  main_fulfilled_ = true;
  const long status = request_.http_status > 0 ? request_.http_status : 200;
  Command("Fetch.fulfillRequest",
          {{"requestId", request_id},
           {"responseCode", status},
           {"responseHeaders", ResponseHeaders(request_.headers)},
           {"body", Base64Encode(request_.body)}},
          session, nullptr);
}

void PageRender::OnNetworkEvent(const std::string& method, const json& params) {
  // By request id alone, unique in the browser, whichever session says it: a worker's script
  // is announced on the page's session and finished on the worker's own.
  const std::string key = params.value("requestId", std::string());
  if (method == "Network.requestWillBeSent") {
    in_flight_.insert(key);
  } else if (method == "Network.loadingFinished" || method == "Network.loadingFailed") {
    in_flight_.erase(key);
  } else {
    return;
  }
  last_activity_ = Clock::now();
}

void PageRender::ArmSettleTimer() {
  settle_timer_.expires_after(kSettlePoll);
  settle_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto self = weak.lock();
    if (!error && self && !self->done_) self->CheckSettled();
  });
}

void PageRender::CheckSettled() {
  const bool idle = in_flight_.empty() && undecided_ == 0 &&
                    Clock::now() - last_activity_ >= options_.network_idle;
  if (!idle || selector_query_running_) return ArmSettleTimer();
  if (request_.wait_for_selectors.empty()) return Serialize();
  selector_query_running_ = true;
  Command(
      "Runtime.evaluate",
      {{"expression", SelectorExpression(request_.wait_for_selectors)}, {"returnByValue", true}},
      session_, [this](json result) {
        selector_query_running_ = false;
        const json& value = result["result"]["value"];
        if (value.is_boolean() && value.get<bool>()) return Serialize();
        ArmSettleTimer();
      });
}

void PageRender::Serialize() {
  if (serializing_) return;
  serializing_ = true;
  Command("Runtime.evaluate",
          {{"expression", SerializeExpression(options_.max_html_bytes)}, {"returnByValue", true}},
          session_, [this](json result) {
            OnSerialized(CdpReply{true, std::move(result), {}});
          });
}

void PageRender::OnSerialized(CdpReply reply) {
  const json& value = reply.result["result"]["value"];
  if (reply.result.contains("exceptionDetails") || !value.is_object()) {
    return Finish(RenderError::kProtocol, "serializing the DOM failed");
  }
  if (value.contains("tooLarge")) {
    return Finish(RenderError::kTooLarge, TooLargeMessage());
  }
  std::string html = "<!DOCTYPE html>" + value.value("html", std::string());
  if (html.size() > options_.max_html_bytes) {
    return Finish(RenderError::kTooLarge, TooLargeMessage());
  }
  Finish(RenderError::kNone, "", std::move(html), value.value("url", std::string()));
}

std::string PageRender::TimeoutMessage() const {
  std::string message =
      "not settled within " + std::to_string(options_.page_timeout.count()) + " ms (";
  if (!loaded_) return message + "no load event)";
  if (!in_flight_.empty() || undecided_ > 0) {
    return message + std::to_string(in_flight_.size() + undecided_) + " requests in flight)";
  }
  // Requests that come and go (a poll every 200 ms) leave none in flight at the deadline.
  if (Clock::now() - last_activity_ < options_.network_idle) return message + "network not idle)";
  if (!request_.wait_for_selectors.empty()) return message + "no selector matched)";
  return message + "network not idle)";
}

std::string PageRender::TooLargeMessage() const {
  // max_html_bytes is the daemon's max_body_bytes: the name the operator can change.
  return "serialized DOM over max_body_bytes (" + std::to_string(options_.max_html_bytes) +
         " bytes)";
}

void PageRender::Finish(RenderError error, std::string message, std::string html,
                        std::string final_url) {
  if (done_) return;
  done_ = true;
  deadline_.cancel();
  settle_timer_.cancel();
  // What the page's sessions leave unanswered is the page's (a script looping for ever), not a
  // hung browser: the watchdog must not restart the browser under the next page for it.
  cdp_->ForgetSession(session_);
  for (const std::string& child : child_sessions_) cdp_->ForgetSession(child);
  RenderResult result;
  result.error = error;
  result.message = std::move(message);
  result.html = std::move(html);
  result.final_url = final_url.empty() ? request_.url : std::move(final_url);
  result.browser_version = browser_version_;
  result.blocked_urls = std::move(blocked_urls_);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
  auto self = shared_from_this();  // on_done may drop the owner's reference
  on_done_(std::move(result));
  Dispose();
}

void PageRender::Dispose() {
  if (disposed_) return;
  if (context_id_.empty() || cdp_->closed()) {
    disposed_ = true;
    on_disposed_();
    return;
  }
  // Disposing closes the page's target too; the browser answers once it is gone.
  cdp_->Send("Target.disposeBrowserContext", {{"browserContextId", context_id_}}, "",
             [weak = weak_from_this()](CdpReply) {
               auto self = weak.lock();
               if (!self || self->disposed_) return;
               self->disposed_ = true;
               self->on_disposed_();
             });
}

void PageRender::Abandon(RenderError error, const std::string& message) {
  auto self = shared_from_this();
  context_id_.clear();  // the browser and its contexts are gone
  if (!done_) {
    Finish(error, message);
  } else {
    Dispose();
  }
}

}  // namespace policyd
