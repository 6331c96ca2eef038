// PageServer: the origin for the pass benchmark. An asynchronous Boost.Beast HTTP/1.1 server
// on loopback addresses that serves pages from memory with keep-alive, ETag and
// If-None-Match -> 304, so that it is never the bottleneck of a daemon pass (no thread per
// connection, no copy of the body per response).
//
// Pages are addressed as /p/<index>. The page table can be changed between passes (SetPage);
// a request in flight keeps the body it started with (shared ownership).
#ifndef POLICYD_TESTS_BENCH_PASS_PAGE_SERVER_H_
#define POLICYD_TESTS_BENCH_PASS_PAGE_SERVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace policyd::bench {

class PageServer {
 public:
  // Listens on each of `addresses` (e.g. "127.0.0.1".."127.0.0.8", ephemeral ports) and runs
  // its event loop on `threads` threads. Throws on failure.
  PageServer(const std::vector<std::string>& addresses, std::size_t pages, int threads);
  ~PageServer();
  PageServer(const PageServer&) = delete;
  PageServer& operator=(const PageServer&) = delete;

  // "http://127.0.0.3:41234" for the listener `host`.
  std::string BaseUrl(std::size_t host) const;
  std::size_t hosts() const;

  // Replaces page `index` (thread-safe; takes effect for the next request).
  void SetPage(std::size_t index, std::shared_ptr<const std::string> body, std::string etag);

  struct Counters {
    uint64_t ok = 0;            // 200 responses
    uint64_t not_modified = 0;  // 304 responses
    uint64_t not_found = 0;     // anything else
    uint64_t body_bytes = 0;    // bytes of 200 bodies
    uint64_t connections = 0;   // connections accepted
  };
  Counters counters() const;
  // Wall-clock time (Unix microseconds) at which the last request for `index` was read.
  int64_t LastRequestMicros(std::size_t index) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyd::bench

#endif  // POLICYD_TESTS_BENCH_PASS_PAGE_SERVER_H_
