#include <unistd.h>

#include <deque>
#include <map>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "address_gate.h"
#include "browser_process.h"
#include "cdp_connection.h"
#include "page_render.h"
#include "policyd/browser.h"

namespace policyd {
namespace {

constexpr std::chrono::seconds kWatchInterval{1};

std::vector<std::string> BrowserArgv(const BrowserOptions& options) {
  std::vector<std::string> argv = options.command;
  for (const char* flag :
       {"--headless=new", "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check",
        "--disable-gpu", "--disable-extensions", "--disable-background-networking",
        "--disable-sync", "--disable-component-update", "--disable-default-apps", "--mute-audio",
        "--disable-crash-reporter", "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--js-flags=--max-old-space-size=512"}) {
    argv.emplace_back(flag);
  }
  // Chromium refuses to run its sandbox as root; tests and containers run as root.
  if (::geteuid() == 0) argv.emplace_back("--no-sandbox");
  return argv;
}

RenderResult Failure(RenderError error, std::string message) {
  RenderResult result;
  result.error = error;
  result.message = std::move(message);
  return result;
}

}  // namespace

const char* RenderErrorName(RenderError error) {
  switch (error) {
    case RenderError::kNone:
      return "";
    case RenderError::kTimeout:
      return "browser_timeout";
    case RenderError::kCrashed:
      return "browser_crashed";
    case RenderError::kTooLarge:
      return "too_large";
    case RenderError::kBlockedAddress:
      return "blocked_address";
    case RenderError::kUnavailable:
      return "browser_unavailable";
    case RenderError::kProtocol:
      return "browser_protocol";
    case RenderError::kAborted:
      return "aborted";
    case RenderError::kNavigated:
      return "redirect_stub";
  }
  return "unknown";
}

struct BrowserFetcher::Impl : std::enable_shared_from_this<Impl> {
  enum class State { kStopped, kStarting, kReady, kShutdown };
  struct Waiting {
    RenderRequest request;
    Handler handler;
  };

  Impl(boost::asio::io_context& context, BrowserOptions browser_options)
      : io(context),
        options(std::move(browser_options)),
        gate(context, options.allow_private_addresses, options.allowed_addresses),
        start_timer(context),
        watch_timer(context),
        reap_timer(context) {
    if (options.concurrency == 0) options.concurrency = 1;
  }

  void Render(RenderRequest request, Handler handler);
  void Pump();
  void StartBrowser();
  Result<std::shared_ptr<CdpConnection>> Connect();
  void OnStarted(CdpReply reply);
  void StartPage(Waiting waiting);
  void OnEvent(const std::string& method, const std::string& session, const nlohmann::json& params);
  void Watch();
  void LoseBrowser(RenderError error, const std::string& message);
  void StopBrowser();
  void PageDisposed(uint64_t id);
  void Deliver(const Handler& handler, RenderResult result);
  void Shutdown();
  void ReapDying();

  boost::asio::io_context& io;
  BrowserOptions options;
  AddressGate gate;
  State state = State::kStopped;
  std::unique_ptr<BrowserProcess> process;
  std::shared_ptr<CdpConnection> cdp;
  boost::asio::steady_timer start_timer;
  boost::asio::steady_timer watch_timer;
  // Killed browsers whose process group is not gone yet: reaped from a timer, so that the io
  // thread never waits for them (their profile is removed once nothing writes to it).
  std::vector<std::unique_ptr<BrowserProcess>> dying;
  boost::asio::steady_timer reap_timer;
  int reap_ticks = 0;
  std::deque<Waiting> queue;
  std::map<uint64_t, std::shared_ptr<PageRender>> running;  // by page id
  uint64_t next_page_id = 1;
  uint64_t starts = 0;
  std::string version;
  bool deliver_now = false;  // during Shutdown: handlers run before it returns
};

void BrowserFetcher::Impl::Render(RenderRequest request, Handler handler) {
  if (state == State::kShutdown) {
    Deliver(handler, Failure(RenderError::kAborted, "browser fetcher is shut down"));
    return;
  }
  queue.push_back({std::move(request), std::move(handler)});
  Pump();
}

void BrowserFetcher::Impl::Pump() {
  if (state == State::kStopped && !queue.empty()) StartBrowser();
  while (state == State::kReady && running.size() < options.concurrency && !queue.empty()) {
    Waiting next = std::move(queue.front());
    queue.pop_front();
    StartPage(std::move(next));
  }
}

Result<std::shared_ptr<CdpConnection>> BrowserFetcher::Impl::Connect() {
  UniqueFd read_fd;
  UniqueFd write_fd;
  if (!options.socket_path.empty()) {
    auto socket = ConnectUnixSocket(options.socket_path);
    if (!socket.ok()) return socket.status();
    write_fd = UniqueFd(::dup(socket->get()));
    read_fd = std::move(socket).value();
  } else {
    auto spawned = BrowserProcess::Spawn(BrowserArgv(options));
    if (!spawned.ok()) return spawned.status();
    process = std::move(spawned).value();
    read_fd = process->TakeEventFd();
    write_fd = process->TakeCommandFd();
  }
  auto weak = weak_from_this();
  // A serialized DOM may be escaped to about twice its size; anything beyond is not ours.
  const std::size_t max_message = options.max_html_bytes * 2 + (1u << 20);
  auto connection = std::make_shared<CdpConnection>(
      io, read_fd.Release(), write_fd.Release(), max_message,
      [weak](const std::string& method, const std::string& session, const nlohmann::json& params) {
        if (auto self = weak.lock()) self->OnEvent(method, session, params);
      },
      [weak](const std::string& reason) {
        if (auto self = weak.lock()) self->LoseBrowser(RenderError::kCrashed, reason);
      });
  return connection;
}

void BrowserFetcher::Impl::StartBrowser() {
  state = State::kStarting;
  ++starts;
  auto connection = Connect();
  if (!connection.ok()) {
    LoseBrowser(RenderError::kUnavailable,
                "cannot start browser: " + connection.status().message());
    return;
  }
  cdp = std::move(connection).value();
  cdp->Start();
  auto weak = weak_from_this();
  cdp->Send("Browser.getVersion", nlohmann::json::object(), "", [weak](CdpReply reply) {
    if (auto self = weak.lock()) self->OnStarted(std::move(reply));
  });
  start_timer.expires_after(options.start_timeout);
  start_timer.async_wait([weak](const boost::system::error_code& error) {
    auto self = weak.lock();
    if (error || !self || self->state != State::kStarting) return;
    self->LoseBrowser(RenderError::kUnavailable, "browser did not answer within start_timeout");
  });
  Watch();
}

void BrowserFetcher::Impl::OnStarted(CdpReply reply) {
  start_timer.cancel();
  if (!reply.ok) {
    LoseBrowser(RenderError::kUnavailable, "Browser.getVersion failed: " + reply.error);
    return;
  }
  version = reply.result.value("product", std::string());
  state = State::kReady;
  Pump();
}

void BrowserFetcher::Impl::StartPage(Waiting waiting) {
  auto weak = weak_from_this();
  const uint64_t id = next_page_id++;
  auto page = std::make_shared<PageRender>(
      io, cdp, gate, options, std::move(waiting.request), version,
      [weak, handler = std::move(waiting.handler)](RenderResult result) {
        if (auto self = weak.lock()) self->Deliver(handler, std::move(result));
      },
      [weak, id] {
        if (auto self = weak.lock()) self->PageDisposed(id);
      });
  running.emplace(id, page);
  page->Start();
}

void BrowserFetcher::Impl::PageDisposed(uint64_t id) {
  if (running.erase(id) > 0) Pump();
}

void BrowserFetcher::Impl::OnEvent(const std::string& method, const std::string& session,
                                   const nlohmann::json& params) {
  if (session.empty()) return;  // browser-level events: nothing we act on
  // A page may finish (and leave `running`) while handling its event.
  for (auto entry = running.begin(); entry != running.end(); ++entry) {
    auto page = entry->second;
    if (page->OnEvent(method, session, params)) return;
  }
}

// Once a second while a browser is up: is it still there, within its memory, answering?
void BrowserFetcher::Impl::Watch() {
  watch_timer.expires_after(kWatchInterval);
  watch_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto self = weak.lock();
    if (error || !self || !self->cdp) return;
    if (self->process && self->process->Exited()) {
      return self->LoseBrowser(RenderError::kCrashed, "browser process exited");
    }
    // Only a ready browser: a start that fails is browser_unavailable, not a crash.
    if (self->process && self->state == State::kReady) {
      const std::size_t used = self->process->GroupMemory();
      if (used > self->options.memory_limit_bytes) {
        return self->LoseBrowser(RenderError::kCrashed,
                                 "browser memory " + std::to_string(used >> 20) +
                                     " MiB over memory_limit_bytes; restarting");
      }
    }
    const auto oldest = self->cdp->OldestPending();
    if (oldest && std::chrono::steady_clock::now() - *oldest > self->options.page_timeout) {
      return self->LoseBrowser(RenderError::kCrashed, "browser did not answer a command in time");
    }
    self->Watch();
  });
}

// The browser is gone or unusable. Before it was ready, the pages waiting for it fail with
// kUnavailable (another start would most likely fail the same way); afterwards the running
// pages fail with `error` and the queued ones get a new browser.
void BrowserFetcher::Impl::LoseBrowser(RenderError error, const std::string& message) {
  const bool was_starting = state == State::kStarting;
  StopBrowser();
  if (was_starting) {
    std::deque<Waiting> waiting = std::move(queue);
    queue.clear();
    for (auto& entry : waiting) Deliver(entry.handler, Failure(RenderError::kUnavailable, message));
    return;
  }
  auto pages = std::move(running);
  running.clear();
  for (auto& [id, page] : pages) page->Abandon(error, message);
  Pump();
}

void BrowserFetcher::Impl::StopBrowser() {
  if (state != State::kShutdown) state = State::kStopped;
  start_timer.cancel();
  watch_timer.cancel();
  if (cdp) cdp->Close();
  cdp.reset();
  if (state == State::kShutdown || process == nullptr || process->KillWithoutWaiting()) {
    process.reset();  // kills the group and reaps (at shutdown: waits, bounded)
    return;
  }
  dying.push_back(std::move(process));
  ReapDying();
}

void BrowserFetcher::Impl::ReapDying() {
  std::erase_if(dying, [](const std::unique_ptr<BrowserProcess>& browser) {
    return browser->KillWithoutWaiting();
  });
  if (dying.empty()) {
    reap_ticks = 0;
    return;
  }
  // Give up waiting after about 2 s, as Kill() does: a member that never goes is left to init.
  if (++reap_ticks > 200) {
    for (auto& browser : dying) browser->Forget();
    dying.clear();
    reap_ticks = 0;
    return;
  }
  reap_timer.expires_after(std::chrono::milliseconds(10));
  reap_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) ReapDying();
  });
}

void BrowserFetcher::Impl::Deliver(const Handler& handler, RenderResult result) {
  if (!handler) return;
  if (deliver_now) {
    handler(std::move(result));
    return;
  }
  boost::asio::post(
      io, [handler, result = std::move(result)]() mutable { handler(std::move(result)); });
}

void BrowserFetcher::Impl::Shutdown() {
  if (state == State::kShutdown) return;
  state = State::kShutdown;
  deliver_now = true;
  StopBrowser();
  auto pages = std::move(running);
  running.clear();
  for (auto& [id, page] : pages) page->Abandon(RenderError::kAborted, "browser fetcher shut down");
  std::deque<Waiting> waiting = std::move(queue);
  queue.clear();
  for (auto& entry : waiting) {
    Deliver(entry.handler, Failure(RenderError::kAborted, "browser fetcher shut down"));
  }
  deliver_now = false;
}

BrowserFetcher::BrowserFetcher(boost::asio::io_context& io, BrowserOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

BrowserFetcher::~BrowserFetcher() { impl_->Shutdown(); }

void BrowserFetcher::Render(RenderRequest request, Handler handler) {
  impl_->Render(std::move(request), std::move(handler));
}

void BrowserFetcher::Shutdown() { impl_->Shutdown(); }

bool BrowserFetcher::BrowserRunning() const { return impl_->cdp != nullptr; }

std::size_t BrowserFetcher::Running() const { return impl_->running.size(); }

std::size_t BrowserFetcher::Queued() const { return impl_->queue.size(); }

uint64_t BrowserFetcher::Restarts() const { return impl_->starts > 0 ? impl_->starts - 1 : 0; }

std::string BrowserFetcher::BrowserVersion() const { return impl_->version; }

}  // namespace policyd
