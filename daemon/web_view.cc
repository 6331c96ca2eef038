// The read-only web view inside the daemon (issue 18 item 4; policyd/web_routes.h says which
// URL asks for what). A request is routed on the io thread to read commands, which run
// through HandleControl exactly as policyctl's do (so the JSON API is policyctl --json's
// results by construction); their answers are rendered into a page on the worker pool and the
// response goes out from the io thread. Nothing here can slow checks beyond that pool work:
// the server is bounded in connections, request sizes and time (policyd/web_server.h), and
// every command it can reach is a bounded read.
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "daemon.h"
#include "policyd/web_view.h"

namespace policyd {

namespace asio = boost::asio;

// The answers gathered so far for one web request; the commands run one after the other.
struct Daemon::WebExchange {
  WebRoute route;
  std::vector<nlohmann::json> answers;
  std::function<void(WebResponse)> respond;
};

Status Daemon::StartWebView() {
  if (config_.web_address.empty() && config_.web_socket.empty()) return Status::Ok();
  WebOptions options;
  options.tcp_address = config_.web_address;
  options.tcp_port = config_.web_port;
  options.socket_path = config_.web_socket;
  options.max_clients = config_.max_web_clients;
  web_ = std::make_unique<WebServer>(io_, options, [this](const WebRequest& request, auto respond) {
    HandleWebRequest(request, std::move(respond));
  });
  if (Status s = web_->Start(); !s.ok()) {
    const std::string message = "web view (web_listen): " + s.message();
    return s.code() == Status::Code::kInvalidArgument ? Status::InvalidArgument(message)
                                                      : Status::IoError(message);
  }
  spdlog::info("web view on {}", WebListenText());
  return Status::Ok();
}

std::string Daemon::WebListenText() const {
  if (!web_) return "";
  if (!config_.web_socket.empty()) return config_.web_socket.string();
  const bool v6 = config_.web_address.find(':') != std::string::npos;
  return (v6 ? "[" + config_.web_address + "]" : config_.web_address) + ":" +
         std::to_string(web_->Port());
}

nlohmann::json Daemon::WebStatusJson() const {
  if (!web_) return nullptr;
  return {{"listen", WebListenText()}, {"connections", web_->Connections()}};
}

void Daemon::HandleWebRequest(const WebRequest& request, std::function<void(WebResponse)> respond) {
  auto route = RouteWebRequest(request.path, request.query);
  if (!route.ok())
    return respond(WebRouteErrorResponse(route.status(), IsWebApiPath(request.path)));
  auto exchange = std::make_shared<WebExchange>();
  exchange->route = std::move(*route);
  exchange->respond = std::move(respond);
  RunWebRequests(std::move(exchange));
}

// Runs the exchange's next control request, or renders the page once all are answered. A
// required request that fails ends the exchange early: the page is its error.
void Daemon::RunWebRequests(std::shared_ptr<WebExchange> exchange) {
  const std::size_t next = exchange->answers.size();
  const bool failed = next > 0 && !exchange->route.requests[next - 1].optional &&
                      !exchange->answers.back().value("ok", false);
  if (next == exchange->route.requests.size() || failed) {
    asio::post(workers_, [this, exchange]() {
      WebResponse response = WebViewResponse(exchange->route, exchange->answers);
      asio::post(io_, [exchange, response = std::move(response)]() mutable {
        exchange->respond(std::move(response));
      });
    });
    return;
  }
  HandleControl(exchange->route.requests[next].request, [this, exchange](nlohmann::json answer) {
    exchange->answers.push_back(std::move(answer));
    RunWebRequests(exchange);
  });
}

}  // namespace policyd
