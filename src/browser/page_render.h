// PageRender: one page's CDP conversation, from a fresh browser context to the serialized DOM.
//
//   gate.Check(url) → Target.createBrowserContext → Target.createTarget(about:blank, context)
//   → Target.attachToTarget(flatten) → on the page's session: Network.enable, Fetch.enable("*"),
//   Network.setBlockedURLs(ws, wss), Page.enable, Target.setAutoAttach(waitForDebuggerOnStart)
//   → Page.navigate(url) → ... load event, network idle, selector ... → Runtime.evaluate
//   (outerHTML) → result → Target.disposeBrowserContext → disposed.
//
// Every request paused by Fetch is answered: the first document request of the page's own
// session from the RenderRequest (Fetch.fulfillRequest); a later document request of the
// page's main frame (a script navigating it elsewhere) aborted (named in
// blocked_urls: the browser would fetch that page itself, past robots.txt and the politeness
// gate, and the page as served stays what is rendered); the others continued or failed by the
// AddressGate. Child targets (iframes in their own process, workers) attach paused, get the
// same interception, and are then resumed. A JavaScript dialog (alert, confirm, prompt) is
// accepted at once: nobody is there to answer it, and it would stop the page's scripts.
//
// The owner routes events by session (OnEvent), and calls Abandon() when the browser goes away.
// `on_done` runs once with the result; `on_disposed` runs once afterwards, when the page's
// browser context is gone (or abandoned): only then is its slot free.
#ifndef POLICYD_SRC_BROWSER_PAGE_RENDER_H_
#define POLICYD_SRC_BROWSER_PAGE_RENDER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "address_gate.h"
#include "cdp_connection.h"
#include "policyd/browser.h"

namespace policyd {

class PageRender : public std::enable_shared_from_this<PageRender> {
 public:
  using DoneFn = std::function<void(RenderResult)>;
  using DisposedFn = std::function<void()>;

  // `gate` and `options` must outlive the page's use by its owner.
  PageRender(boost::asio::io_context& io, std::shared_ptr<CdpConnection> cdp, AddressGate& gate,
             const BrowserOptions& options, RenderRequest request, std::string browser_version,
             DoneFn on_done, DisposedFn on_disposed);

  void Start();

  // Handles an event if it belongs to one of this page's sessions; false otherwise.
  bool OnEvent(const std::string& method, const std::string& session_id,
               const nlohmann::json& params);

  // The browser is gone: finish with `error` (if not finished) and report disposed.
  void Abandon(RenderError error, const std::string& message);

 private:
  using Clock = std::chrono::steady_clock;

  void CreateContext();
  void CreateTarget();
  void Attach(const std::string& target_id);
  void SetUpSession(const std::string& session, bool main);
  void Navigate();
  void OnRequestPaused(const std::string& session, const nlohmann::json& params);
  // A request of the page refused before the address gate: what only draws the page (images,
  // media, fonts, the favicon), and what the page origin's robots.txt disallows.
  enum class RefusedRequest { kNo, kNotNeeded, kByRobots };
  RefusedRequest Refuses(std::string_view resource_type, const std::string& url) const;
  void FulfillMainDocument(const std::string& session, const std::string& request_id);
  void OnNetworkEvent(const std::string& method, const nlohmann::json& params);
  void OnChildAttached(const nlohmann::json& params);
  // The main frame committed a document: one that is not http(s) ends the render.
  void OnFrameNavigated(const nlohmann::json& params);
  void ArmSettleTimer();
  void CheckSettled();
  void Serialize();
  void OnSerialized(CdpReply reply);
  std::string TooLargeMessage() const;
  void Finish(RenderError error, std::string message, std::string html = {},
              std::string final_url = {});
  void Dispose();
  std::string TimeoutMessage() const;
  // Sends on this page's connection; a failed answer finishes the page with kProtocol.
  void Command(const std::string& method, nlohmann::json params, const std::string& session,
               std::function<void(nlohmann::json result)> on_result);

  boost::asio::io_context& io_;
  std::shared_ptr<CdpConnection> cdp_;
  AddressGate& gate_;
  const BrowserOptions& options_;
  RenderRequest request_;
  std::string browser_version_;
  DoneFn on_done_;
  DisposedFn on_disposed_;

  Clock::time_point started_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer settle_timer_;
  std::string context_id_;
  std::string session_;  // the page's own session
  std::set<std::string> child_sessions_;
  bool main_fulfilled_ = false;
  std::string main_frame_;  // the frame the main document was fulfilled in
  bool loaded_ = false;
  std::set<std::string> in_flight_;  // Network requestIds
  std::size_t undecided_ = 0;        // paused requests waiting for the gate
  Clock::time_point last_activity_;
  bool selector_query_running_ = false;
  bool serializing_ = false;
  std::vector<std::string> blocked_urls_;
  std::string page_origin_;  // "https://example.com:443": whose robots.txt request_ carries
  bool done_ = false;
  bool disposed_ = false;
};

}  // namespace policyd

#endif  // POLICYD_SRC_BROWSER_PAGE_RENDER_H_
