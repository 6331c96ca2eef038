// Small pieces the daemon's integration tests share: a policy page whose "Sharing" section
// they change, its 200 response, and a deadline-bounded wait for a condition.
#ifndef POLICYD_TESTS_SUPPORT_TEST_PAGES_H_
#define POLICYD_TESTS_SUPPORT_TEST_PAGES_H_

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "support/http_test_server.h"

namespace policyd::testing {

// A privacy policy titled `title` whose "Sharing" section says `sharing`: change `sharing` to
// make a substantive change.
inline std::string SharingPolicyPage(const std::string& title, const std::string& sharing) {
  return "<!doctype html><html><head><title>" + title + "</title></head><body><main><h1>" + title +
         "</h1><p>This policy explains what we collect and why we collect it.</p>"
         "<h2>Data we collect</h2><p>We collect your name, email address and usage data.</p>"
         "<h2>Sharing</h2><p>" +
         sharing + "</p></main></body></html>";
}

// `body` served as a 200 text/html (UTF-8) response.
inline TestResponse HtmlResponse(std::string body) {
  return {.status = 200,
          .headers = {{"Content-Type", "text/html; charset=utf-8"}},
          .body = std::move(body)};
}

// Polls `condition` every `poll` until it holds or `timeout` passes; its last answer.
inline bool WaitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60),
                    std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_TEST_PAGES_H_
