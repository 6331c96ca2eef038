// The sites and target files of the fleet integration tests (fleet_test.cc,
// fleet_status_test.cc): sites on 127.0.0.1 to 127.0.0.<sites> (one registrable "domain" each,
// so rendezvous hashing spreads them over the members), each serving `per_site` pages at
// "/policy<n>", and for every member daemon one target file per page.
#ifndef POLICYD_TESTS_INTEGRATION_FLEET_SITES_H_
#define POLICYD_TESTS_INTEGRATION_FLEET_SITES_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon_harness.h"
#include "support/http_test_server.h"

namespace policyd::testing {

inline std::string FleetPagePath(int document) { return "/policy" + std::to_string(document); }

// Sites 1..`sites`, each answering FleetPagePath(n) for n < `per_site` with page(site, n).
inline std::vector<std::unique_ptr<HttpTestServer>> StartFleetSites(
    int sites, int per_site, const std::function<TestResponse(int site, int document)>& page) {
  std::vector<std::unique_ptr<HttpTestServer>> servers;
  for (int site = 1; site <= sites; ++site) {
    auto server = std::make_unique<HttpTestServer>("127.0.0." + std::to_string(site));
    for (int document = 0; document < per_site; ++document) {
      server->Set(FleetPagePath(document), page(site, document));
    }
    servers.push_back(std::move(server));
  }
  return servers;
}

// One target file per page of `sites` ("site<s>-<n>.toml": platform "Site <s> <n>", a Privacy
// Policy), with `extra_keys` (TOML lines such as "interval = \"15s\"\n") in each document.
inline void WriteFleetTargets(DaemonHarness& daemon,
                              const std::vector<std::unique_ptr<HttpTestServer>>& sites,
                              int per_site, std::string_view extra_keys = "") {
  for (size_t index = 0; index < sites.size(); ++index) {
    const std::string site = std::to_string(index + 1);
    for (int document = 0; document < per_site; ++document) {
      daemon.WriteTarget("site" + site + "-" + std::to_string(document),
                         "name = \"Site " + site + " " + std::to_string(document) +
                             "\"\n[[documents]]\ntype = \"Privacy Policy\"\n" +
                             std::string(extra_keys) + "url = \"" +
                             sites[index]->Url(FleetPagePath(document)) + "\"\n");
    }
  }
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_INTEGRATION_FLEET_SITES_H_
