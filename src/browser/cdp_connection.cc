#include "cdp_connection.h"
#include "policyd/json_text.h"

#include <unistd.h>

#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

namespace policyd {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

}  // namespace

bool CdpFramer::Append(std::string_view bytes,
                       const std::function<void(std::string&&)>& on_message) {
  if (overflowed_) return false;
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\0');
    const std::size_t take = end == std::string_view::npos ? bytes.size() : end;
    if (partial_.size() + take > max_) {
      overflowed_ = true;
      partial_.clear();
      partial_.shrink_to_fit();
      return false;
    }
    partial_.append(bytes.substr(0, take));
    if (end == std::string_view::npos) break;
    std::string message = std::move(partial_);
    partial_.clear();
    on_message(std::move(message));
    bytes.remove_prefix(end + 1);
  }
  return true;
}

CdpConnection::CdpConnection(boost::asio::io_context& io, int read_fd, int write_fd,
                             std::size_t max_message_bytes, EventFn on_event, ClosedFn on_closed)
    : reader_(io, read_fd),
      writer_(io),
      shared_fd_(read_fd == write_fd),
      framer_(max_message_bytes),
      on_event_(std::move(on_event)),
      on_closed_(std::move(on_closed)) {
  if (!shared_fd_) writer_.assign(write_fd);
}

CdpConnection::~CdpConnection() { Close(); }

void CdpConnection::Start() { ReadMore(); }

void CdpConnection::ReadMore() {
  read_buffer_.resize(kReadChunk);
  reader_.async_read_some(
      boost::asio::buffer(read_buffer_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
        if (self->closed_) return;
        if (error) {
          self->End(error == boost::asio::error::eof ? "browser closed the connection"
                                                     : "read failed: " + error.message());
          return;
        }
        const bool fits = self->framer_.Append(std::string_view(self->read_buffer_.data(), n),
                                               [&self](std::string&& message) {
                                                 if (!self->closed_)
                                                   self->Dispatch(std::move(message));
                                               });
        if (self->closed_) return;
        if (!fits) {
          self->End("CDP message over the size limit");
          return;
        }
        self->ReadMore();
      });
}

uint64_t CdpConnection::Send(const std::string& method, nlohmann::json params,
                             const std::string& session_id, ReplyFn on_reply) {
  if (closed_) return 0;
  const uint64_t id = next_id_++;
  nlohmann::json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (!session_id.empty()) message["sessionId"] = session_id;
  std::string bytes = JsonText(message);
  bytes.push_back('\0');
  write_queue_.push_back(std::move(bytes));
  pending_[id] = Pending{std::move(on_reply), std::chrono::steady_clock::now(), session_id};
  if (!writing_) WriteNext();
  return id;
}

void CdpConnection::WriteNext() {
  if (write_queue_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  auto& target = shared_fd_ ? reader_ : writer_;
  boost::asio::async_write(
      target, boost::asio::buffer(write_queue_.front()),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        if (self->closed_) return;
        if (error) {
          self->End("write failed: " + error.message());
          return;
        }
        self->write_queue_.pop_front();
        self->WriteNext();
      });
}

void CdpConnection::Dispatch(std::string&& text) {
  nlohmann::json message = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!message.is_object()) {
    End("malformed CDP message");
    return;
  }
  if (const auto id = message.find("id"); id != message.end() && id->is_number_unsigned()) {
    const auto entry = pending_.find(id->get<uint64_t>());
    if (entry == pending_.end()) return;  // an answer nobody waits for (dropped callback)
    ReplyFn on_reply = std::move(entry->second.on_reply);
    pending_.erase(entry);
    CdpReply reply;
    if (const auto error = message.find("error"); error != message.end()) {
      reply.error = error->value("message", std::string("unknown CDP error"));
    } else {
      reply.ok = true;
      reply.result = std::move(message["result"]);
    }
    if (on_reply) on_reply(std::move(reply));
    return;
  }
  const auto method = message.find("method");
  if (method == message.end() || !method->is_string()) return;
  const std::string session = message.value("sessionId", std::string());
  static const nlohmann::json kNoParams = nlohmann::json::object();
  const auto params = message.find("params");
  on_event_(method->get<std::string>(), session, params == message.end() ? kNoParams : *params);
}

void CdpConnection::End(const std::string& reason) {
  if (closed_) return;
  ClosedFn on_closed = std::move(on_closed_);
  Close();
  if (on_closed) on_closed(reason);
}

void CdpConnection::Close() {
  if (closed_) return;
  closed_ = true;
  pending_.clear();
  write_queue_.clear();
  boost::system::error_code ignored;
  reader_.close(ignored);
  if (!shared_fd_) writer_.close(ignored);
}

void CdpConnection::ForgetSession(const std::string& session_id) {
  if (session_id.empty()) return;  // the browser's own commands are never forgotten
  std::erase_if(pending_, [&](const auto& entry) { return entry.second.session_id == session_id; });
}

std::optional<std::chrono::steady_clock::time_point> CdpConnection::OldestPending() const {
  if (pending_.empty()) return std::nullopt;
  return pending_.begin()->second.sent;  // ids grow with time
}

}  // namespace policyd
