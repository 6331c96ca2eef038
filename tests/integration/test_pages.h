// The pages and target files the integration tests serve and watch, written once: a small
// policy page, a server error, and target files of one or more documents.
#ifndef POLICYD_TESTS_INTEGRATION_TEST_PAGES_H_
#define POLICYD_TESTS_INTEGRATION_TEST_PAGES_H_

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "daemon_harness.h"
#include "support/http_test_server.h"

namespace policyd::testing {

// How long a test waits for the answer to a control command that waits on purpose (`check`
// with "wait"), beyond DaemonHarness::Control's default.
inline constexpr std::chrono::seconds kWaitForAnswer{60};

// A policy page: <h1>title</h1>, a "Data" section holding `sentence` (HTML allowed) and a
// "Sharing" section that never changes.
inline TestResponse PolicyPage(const std::string& title, const std::string& sentence) {
  return {.status = 200,
          .headers = {{"Content-Type", "text/html; charset=utf-8"}},
          .body = "<!doctype html><html><head><title>" + title + "</title></head><body><main><h1>" +
                  title + "</h1><h2>Data</h2><p>" + sentence +
                  "</p><h2>Sharing</h2><p>We share nothing with anyone.</p></main></body></html>"};
}

// A plain-text 500.
inline TestResponse ServerError() {
  return {.status = 500, .headers = {{"Content-Type", "text/plain"}}, .body = "internal error"};
}

// A target file: platform `name` with one document per (type, url).
inline std::string TargetFile(const std::string& name,
                              const std::vector<std::pair<std::string, std::string>>& documents) {
  std::string toml = "name = \"" + name + "\"\n";
  for (const auto& [type, url] : documents) {
    toml += "[[documents]]\ntype = \"" + type + "\"\nurl = \"" + url + "\"\n";
  }
  return toml;
}

// A target file of one privacy policy.
inline std::string PrivacyPolicyTarget(const std::string& name, const std::string& url) {
  return TargetFile(name, {{"Privacy Policy", url}});
}

// Serves and watches three privacy policies, each its own platform (ids acme/, hooli/ and
// initech/privacy-policy): acme's and initech's pages are policies, hooli's answers 500.
inline void WatchThreePrivacyPolicies(HttpTestServer* server, DaemonHarness* harness) {
  server->Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme collects your email address."));
  server->Set("/hooli/privacy", ServerError());
  server->Set("/initech/privacy", PolicyPage("Initech Privacy", "Initech collects nothing."));
  for (const auto& [name, slug] : {std::pair<std::string, std::string>{"Acme", "acme"},
                                   {"Hooli", "hooli"},
                                   {"Initech", "initech"}}) {
    harness->WriteTarget(slug, PrivacyPolicyTarget(name, server->Url("/" + slug + "/privacy")));
  }
}

// Serves and watches two privacy policies (acme/ and globex/privacy-policy), then starts the
// daemon and waits until each is stored once.
inline void StartTwoStoredPolicies(HttpTestServer* server, DaemonHarness* harness) {
  server->Set("/acme/privacy", PolicyPage("Acme Privacy", "We keep your email address."));
  server->Set("/globex/privacy", PolicyPage("Globex Privacy", "We keep nothing."));
  harness->WriteTarget("acme", PrivacyPolicyTarget("Acme", server->Url("/acme/privacy")));
  harness->WriteTarget("globex", PrivacyPolicyTarget("Globex", server->Url("/globex/privacy")));
  ASSERT_TRUE(harness->Start()) << harness->log();
  ASSERT_TRUE(harness->WaitForChecks(2)) << harness->log();
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_INTEGRATION_TEST_PAGES_H_
