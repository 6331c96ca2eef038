// A fleet end to end (issue 19 items 2 and 3): three real daemons with the same 300 documents
// over 30 sites and [fleet] on one real nats-server (-js, free loopback port) divide the
// documents among them; one is killed (SIGKILL) and the others take its documents over; it
// returns and they move back. Handing documents over (docs/SCALE.md): a moved document is
// checked when the fleet's last check makes it due, not at once; the stream holds exactly one
// document.first_seen per document through the takeover and the return, no document.changed
// for pages that did not change, and one, from the fleet's version, for a page changed while
// its owner was dead. Who fetched what, and when, is read from the test servers, which see
// each daemon's own User-Agent. Sites are the loopback addresses 127.0.0.1 .. 127.0.0.30 (an
// IP address is its own fleet key), so no name resolution is needed. Skipped only when
// /usr/sbin/nats-server is not installed.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon_harness.h"
#include "fleet_sites.h"
#include "nats_server.h"
#include "nats_stream_reader.h"
#include "policyd/fleet_plan.h"
#include "policyd/rendezvous.h"
#include "support/http_test_server.h"
#include "support/test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kStream[] = "POLICYD_FLEET_TEST";
constexpr int kSites = 30;
constexpr int kDocumentsPerSite = 10;
constexpr int kMembers = 3;
// Every document's interval (no jitter): a document moved to another member is due there one
// interval after its last check, wherever that was.
constexpr auto kInterval = seconds(15);
// The test server's clock and the daemons' are read at slightly different moments.
constexpr auto kClockSlack = milliseconds(100);

std::string Page(int site, int document, bool revised = false) {
  const std::string name = "Site " + std::to_string(site) + " policy " + std::to_string(document);
  return "<!doctype html><html><head><title>" + name + "</title></head><body><main><h1>" + name +
         "</h1><p>This policy explains what we collect and why we collect it.</p>"
         "<h2>Data we collect</h2><p>We collect your name, email address and usage data.</p>"
         "<h2>Sharing</h2><p>We share data of " +
         name + " with nobody else.</p>" +
         (revised ? "<h2>Advertising</h2><p>We now show you ads chosen from your usage data.</p>"
                  : "") +
         "</main></body></html>";
}

// One fetch of a document's page: by which member, when.
struct Fetch {
  int member = -1;
  std::chrono::steady_clock::time_point at;
};

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::Installed()) {
      GTEST_SKIP() << kNatsServerBin << " is not installed: the fleet tests cannot run";
    }
    sites_ = StartFleetSites(kSites, kDocumentsPerSite, [](int site, int document) {
      return HtmlResponse(Page(site, document));
    });
    for (int member = 0; member < kMembers; ++member) {
      members_.push_back(std::make_unique<DaemonHarness>(ConfigOf(member)));
      WriteFleetTargets(*members_.back(), sites_, kDocumentsPerSite, "interval = \"15s\"\n");
    }
  }

  static std::string Path(int document) { return FleetPagePath(document); }
  static std::string Agent(int member) { return "fleet-member-" + std::to_string(member); }

  std::string ConfigOf(int member) const {
    return "user_agent = \"" + Agent(member) + "\"\ninterval_jitter = 0.0\n" +
           "\n[nats]\nurls = [\"" + nats_.url() + "\"]\nstream = \"" + kStream +
           "\"\nretry_min = \"100ms\"\nretry_max = \"100ms\"\nconnect_timeout = \"1s\"\n"
           "\n[fleet]\nenabled = true\nmember_id = \"member" +
           std::to_string(member) +
           "\"\nheartbeat_interval = \"1s\"\nttl = \"3s\"\nlease_ttl = \"3s\"\n"
           "max_clock_skew = \"200ms\"\n";
  }

  // Per document ("<site>/<path>"), who fetched it when, in order.
  std::map<std::string, std::vector<Fetch>> Fetches() const {
    std::map<std::string, std::vector<Fetch>> fetches;
    for (int site = 1; site <= kSites; ++site) {
      for (const RecordedRequest& request : sites_[site - 1]->Requests()) {
        if (request.path == "/robots.txt") continue;
        const auto agent = request.headers.find("user-agent");
        int member = -1;
        for (int m = 0; m < kMembers; ++m) {
          if (agent != request.headers.end() && agent->second == Agent(m)) member = m;
        }
        fetches[std::to_string(site) + request.path].push_back({member, request.arrival});
      }
    }
    return fetches;
  }

  nlohmann::json Fleet(int member) {
    return members_[member]->Control({{"cmd", "status"}})["result"]["fleet"];
  }

  // The fleet's stream as a new consumer reads it.
  std::vector<Received> Stream() {
    std::string error;
    return ReadStream(nats_.url(), kStream, "reader" + std::to_string(++readers_), &error);
  }
  std::map<std::string, int> Count(const std::vector<Received>& stream, const std::string& type) {
    std::map<std::string, int> counts;
    for (const Received& one : stream) {
      if (one.type == type) ++counts[one.body["doc"].get<std::string>()];
    }
    return counts;
  }

  NatsServer nats_;
  std::vector<std::unique_ptr<HttpTestServer>> sites_;
  std::vector<std::unique_ptr<DaemonHarness>> members_;
  int readers_ = 0;
};

TEST_F(FleetTest, ThreeMembersSplitTheDocumentsTakeOverFromAKilledOneAndGiveThemBack) {
  constexpr std::size_t kDocuments = kSites * kDocumentsPerSite;
  // The members start one after the other; NATS comes up once all three run, so that they
  // write their first heartbeats well within one heartbeat_interval (1 s) of each other and
  // each joins with the whole fleet in its view. (A member whose first heartbeat comes later
  // takes its documents from the others after they checked them: a second check, at another
  // time, which this test would report; docs/SCALE.md, "What is left".)
  for (auto& member : members_) ASSERT_TRUE(member->Start()) << member->log();
  ASSERT_TRUE(nats_.Start()) << nats_.log();

  // 1. Every document checked once, by one member; all three take part.
  ASSERT_TRUE(WaitFor([&] { return Fetches().size() == kDocuments; }, seconds(60)))
      << Fetches().size() << " documents fetched\n"
      << members_[0]->log();
  std::this_thread::sleep_for(seconds(1));  // a second check would show by now
  std::map<std::string, std::vector<Fetch>> fetches = Fetches();
  std::map<int, std::set<std::string>> checked_by;
  for (const auto& [document, who] : fetches) {
    ASSERT_EQ(who.size(), 1u) << document << " was fetched by members " << who.front().member
                              << " and " << who.back().member;
    checked_by[who.front().member].insert(document);
  }
  for (int member = 0; member < kMembers; ++member) {
    EXPECT_FALSE(checked_by[member].empty()) << "member " << member << " checked nothing";
  }
  // All the documents of a site went to one member.
  for (const auto& [member, documents] : checked_by) {
    for (const std::string& document : documents) {
      const std::string site = document.substr(0, document.find('/'));
      for (const auto& [other, others] : checked_by) {
        if (other == member) continue;
        for (const std::string& theirs : others) {
          EXPECT_NE(theirs.substr(0, theirs.find('/')), site) << document << " and " << theirs;
        }
      }
    }
  }
  // `status` shows the fleet: all three live, each owning what it checked.
  for (int member = 0; member < kMembers; ++member) {
    const nlohmann::json fleet = Fleet(member);
    ASSERT_TRUE(fleet.is_object()) << fleet.dump();
    EXPECT_EQ(fleet["member_id"], "member" + std::to_string(member));
    EXPECT_EQ(fleet["live_members"].size(), 3u) << fleet.dump();
    EXPECT_EQ(fleet["documents_owned"], checked_by[member].size()) << fleet.dump();
    EXPECT_EQ(fleet["connected"], true) << fleet.dump();
    EXPECT_EQ(fleet["joined"], true) << fleet.dump();
    // The attempts while NATS was not up yet.
    EXPECT_NE(fleet["last_error"].get<std::string>().find("cannot connect"), std::string::npos);
  }
  // `check --all --wait` on one member: its own documents are checked, the others' end at
  // once as `not_owner` (the wait used to last its whole timeout, 10 minutes by default).
  {
    const auto started = std::chrono::steady_clock::now();
    const nlohmann::json checked = members_[0]->Control(
        {{"cmd", "check"}, {"all", true}, {"wait", true}, {"timeout", "60s"}}, seconds(70));
    ASSERT_EQ(checked["ok"], true) << checked.dump();
    EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(30));
    std::map<std::string, int> results;
    for (const auto& outcome : checked["result"]["outcomes"]) {
      ++results[outcome["result"].get<std::string>()];
    }
    EXPECT_EQ(results["not_owner"], kDocuments - checked_by[0].size()) << checked.dump();
    EXPECT_EQ(results["timed_out"], 0) << checked.dump();
    std::this_thread::sleep_for(seconds(1));
    fetches = Fetches();  // member 0's documents were fetched again, the others' not
    for (const auto& [document, who] : fetches) {
      EXPECT_EQ(who.size(), checked_by[0].contains(document) ? 2u : 1u) << document;
    }
  }
  // The fleet's stream: exactly one document.first_seen per document.
  std::map<std::string, int> first_seen;
  std::vector<Received> stream;
  ASSERT_TRUE(WaitFor(
      [&] {
        stream = Stream();
        first_seen = Count(stream, "document.first_seen");
        return first_seen.size() == kDocuments;
      },
      seconds(30)))
      << first_seen.size();
  for (const auto& [document, count] : first_seen) EXPECT_EQ(count, 1) << document;
  const std::set<std::string> document_ids = [&] {
    std::set<std::string> ids;
    for (const auto& [document, count] : first_seen) ids.insert(document);
    return ids;
  }();
  // Which member published an event: its Nats-Msg-Id starts with that member's node id.
  std::map<int, std::string> node_of;
  for (int member = 0; member < kMembers; ++member) {
    node_of[member] = members_[member]
                          ->Control({{"cmd", "status"}})["result"]["nats"]["node_id"]
                          .get<std::string>();
  }
  // The hash each document's first_seen announced, by URL.
  std::map<std::string, std::string> first_hash_of_url;
  for (const Received& one : stream) {
    if (one.type == "document.first_seen") {
      first_hash_of_url[one.body["url"].get<std::string>()] = one.body["hash"].get<std::string>();
    }
  }

  // 2. SIGKILL the member with the most documents: the others check them, and nothing else.
  int victim = 0;
  for (int member = 1; member < kMembers; ++member) {
    if (checked_by[member].size() > checked_by[victim].size()) victim = member;
  }
  const std::size_t victim_owned = checked_by[victim].size();
  members_[victim]->Kill();
  // While it is dead, the page of one of its documents changes.
  const std::string changed = *checked_by[victim].begin();  // "<site>/policy<n>"
  const int changed_site = std::stoi(changed.substr(0, changed.find('/')));
  const int changed_document = std::stoi(changed.substr(changed.find("/policy") + 7));
  sites_[changed_site - 1]->Set(Path(changed_document),
                                {.status = 200,
                                 .headers = {{"Content-Type", "text/html; charset=utf-8"}},
                                 .body = Page(changed_site, changed_document, true)});
  const std::string changed_url = sites_[changed_site - 1]->Url(Path(changed_document));
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto now = Fetches();
        for (const std::string& document : checked_by[victim]) {
          if (now.at(document).size() < 2) return false;
        }
        return true;
      },
      seconds(45)))
      << "the killed member's documents were not taken over";
  fetches = Fetches();
  for (const auto& [document, who] : fetches) {
    if (checked_by[victim].count(document) != 0) {
      ASSERT_GE(who.size(), 2u) << document;
      EXPECT_NE(who[1].member, victim) << document;
      // Not at once: when the victim's last check makes it due.
      EXPECT_GE(who[1].at - who[0].at, kInterval - kClockSlack)
          << document << " was taken over before the fleet's due time";
    } else {
      // Checked by its owner only (again once its interval passed).
      for (const Fetch& fetch : who) EXPECT_EQ(fetch.member, who.front().member) << document;
    }
  }
  const int finder = fetches.at(changed)[1].member;
  for (int member = 0; member < kMembers; ++member) {
    if (member == victim) continue;
    EXPECT_EQ(Fleet(member)["live_members"].size(), 2u);
  }
  // The stream: still one first_seen per document; one document.changed, for the changed
  // page, from the fleet's version (the victim's first_seen), by the member that found it.
  std::vector<Received> changes;
  ASSERT_TRUE(WaitFor(
      [&] {
        stream = Stream();
        changes.clear();
        for (const Received& one : stream) {
          if (one.type == "document.changed") changes.push_back(one);
        }
        return !changes.empty();
      },
      seconds(20)))
      << "the changed page was not announced";
  std::this_thread::sleep_for(seconds(1));  // a second announcement would show by now
  stream = Stream();
  EXPECT_EQ(Count(stream, "document.first_seen"), first_seen);
  EXPECT_EQ(Count(stream, "document.changed").size(), 1u);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].body["url"], changed_url);
  EXPECT_EQ(changes[0].body["old_hash"], first_hash_of_url.at(changed_url));
  EXPECT_EQ(changes[0].body["diff_unavailable"], true);
  EXPECT_EQ(changes[0].body["previous_member"], "member" + std::to_string(victim));
  EXPECT_TRUE(changes[0].msg_id.starts_with(node_of[finder] + ":")) << changes[0].msg_id;

  // 3. It returns (same state, same member id): its documents move back to it.
  ASSERT_TRUE(members_[victim]->Start()) << members_[victim]->log();
  ASSERT_TRUE(WaitFor(
      [&] {
        for (int member = 0; member < kMembers; ++member) {
          const nlohmann::json fleet = Fleet(member);
          if (!fleet.is_object() || fleet["live_members"].size() != 3u) return false;
          if (fleet["documents_owned"] != checked_by[member].size()) return false;
        }
        return true;
      },
      seconds(30)))
      << Fleet(victim).dump();
  EXPECT_EQ(Fleet(victim)["documents_owned"], victim_owned);
  // It checks them again when the fleet's last check (the takeover's) makes them due, and
  // announces nothing: the unchanged pages are its own versions, the changed one is the
  // fleet's version, which it adopts.
  const std::size_t taken_over_fetches = 2;
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto now = Fetches();
        for (const std::string& document : checked_by[victim]) {
          if (now.at(document).size() <= taken_over_fetches) return false;
        }
        return true;
      },
      seconds(45)))
      << "the returned member did not check its documents again";
  fetches = Fetches();
  for (const std::string& document : checked_by[victim]) {
    const std::vector<Fetch>& who = fetches.at(document);
    EXPECT_EQ(who[2].member, victim) << document;
    EXPECT_GE(who[2].at - who[1].at, kInterval - kClockSlack)
        << document << " was checked before the fleet's due time";
  }
  std::this_thread::sleep_for(seconds(2));  // its outbox would have published by now
  stream = Stream();
  const std::map<std::string, int> first_seen_after = Count(stream, "document.first_seen");
  EXPECT_EQ(first_seen_after, first_seen);
  std::set<std::string> ids_after;
  for (const auto& [document, count] : first_seen_after) ids_after.insert(document);
  EXPECT_EQ(ids_after, document_ids);
  EXPECT_EQ(Count(stream, "document.changed").size(), 1u);
  EXPECT_EQ(Count(stream, "document.changed").begin()->second, 1);
  const nlohmann::json documents = Fleet(victim)["documents"];
  EXPECT_GE(documents["found"].get<int>(), static_cast<int>(victim_owned)) << documents.dump();
  EXPECT_EQ(documents["write_failures"], 0) << documents.dump();

  // A clean stop (Leave) drops it from the others' view.
  EXPECT_EQ(members_[victim]->Stop(), 0);
  for (int member = 0; member < kMembers; ++member) {
    if (member == victim) continue;
    EXPECT_TRUE(WaitFor([&] { return Fleet(member)["live_members"].size() == 2u; }, seconds(10)));
  }
}

// A member of the small fleets below: the same timings as FleetTest's.
std::string MemberConfig(const NatsServer& nats, int member) {
  return "user_agent = \"fleet-member-" + std::to_string(member) +
         "\"\ninterval_jitter = 0.0\n\n[nats]\nurls = [\"" + nats.url() + "\"]\nstream = \"" +
         kStream +
         "\"\nretry_min = \"100ms\"\nretry_max = \"100ms\"\nconnect_timeout = \"1s\"\n"
         "\n[fleet]\nenabled = true\nmember_id = \"member" +
         std::to_string(member) +
         "\"\nheartbeat_interval = \"1s\"\nttl = \"3s\"\nlease_ttl = \"3s\"\n"
         "max_clock_skew = \"200ms\"\n";
}

// Members whose target files differ (docs/SCALE.md allows it): a document that one member
// watches but its site's owner does not was checked by nobody, while every member said
// "another member owns its site and checks it". Its member now reads the fleet's record when
// it leaves the document to its owner, and checks it itself once nobody has for an interval:
// fetched by that member only, announced once, said once in its log; the owner's own
// documents stay the owner's.
TEST(FleetOrphanTest, ADocumentItsSiteOwnerDoesNotWatchIsCheckedByAMemberThatDoes) {
  if (!NatsServer::Installed()) GTEST_SKIP() << kNatsServerBin << " is not installed";
  NatsServer nats;
  const auto sites = StartFleetSites(
      1, 3, [](int site, int document) { return HtmlResponse(Page(site, document)); });
  const Rendezvous rendezvous({"member0", "member1"});
  const std::string* owner_id = rendezvous.OwnerOf(FleetKeyOfUrl(sites[0]->Url("/")));
  ASSERT_NE(owner_id, nullptr);
  const int owner = *owner_id == "member0" ? 0 : 1;
  const int watcher = 1 - owner;
  std::vector<std::unique_ptr<DaemonHarness>> members;
  for (int member = 0; member < 2; ++member) {
    members.push_back(std::make_unique<DaemonHarness>(MemberConfig(nats, member)));
    // Both watch the site's first page; only the watcher its third.
    WriteFleetTargets(*members.back(), sites, 1, "interval = \"4s\"\n");
  }
  members[watcher]->WriteTarget("orphan",
                                "name = \"Orphan\"\n[[documents]]\ntype = \"Privacy Policy\"\n"
                                "interval = \"4s\"\nurl = \"" +
                                    sites[0]->Url(FleetPagePath(2)) + "\"\n");
  for (auto& member : members) ASSERT_TRUE(member->Start()) << member->log();
  ASSERT_TRUE(nats.Start()) << nats.log();

  const auto fetched_by = [&](const std::string& path) {
    std::vector<std::string> agents;
    for (const RecordedRequest& request : sites[0]->Requests()) {
      if (request.path != path) continue;
      const auto agent = request.headers.find("user-agent");
      agents.push_back(agent == request.headers.end() ? "" : agent->second);
    }
    return agents;
  };
  const std::string orphan_path = FleetPagePath(2);
  ASSERT_TRUE(WaitFor([&] { return !fetched_by(orphan_path).empty(); }, seconds(40)))
      << members[watcher]->log();
  for (const std::string& agent : fetched_by(orphan_path)) {
    EXPECT_EQ(agent, "fleet-member-" + std::to_string(watcher));
  }
  for (const std::string& agent : fetched_by(FleetPagePath(0))) {
    EXPECT_EQ(agent, "fleet-member-" + std::to_string(owner));  // the owner's stays its own
  }
  // The watcher's pass is complete though it never checks the owner's page, and its list says
  // who checks that page (it said "pending" for ever).
  ASSERT_TRUE(WaitFor(
      [&] {
        // Once the orphan's check (fetched above) is committed.
        const nlohmann::json pass =
            members[watcher]->Control({{"cmd", "status"}})["result"]["first_pass"];
        return pass["complete"] == true && pass["checked"] == 1;
      },
      seconds(10)))
      << members[watcher]->Control({{"cmd", "status"}}).dump();
  const nlohmann::json pass =
      members[watcher]->Control({{"cmd", "status"}})["result"]["first_pass"];
  EXPECT_EQ(pass["left_to_other_members"], 1) << pass.dump();
  EXPECT_EQ(pass["checked"], 1) << pass.dump();
  const nlohmann::json shown =
      members[watcher]->Control({{"cmd", "show"}, {"doc", "site-1-0/privacy-policy"}});
  EXPECT_EQ(shown["result"]["status"], "other_member") << shown.dump();
  const std::string said = "though another member owns its site";
  const std::string log = members[watcher]->log();
  ASSERT_NE(log.find(said), std::string::npos) << log;
  // Checked again at its interval, said once.
  ASSERT_TRUE(WaitFor([&] { return fetched_by(orphan_path).size() >= 2; }, seconds(20)))
      << members[watcher]->log();
  const std::string later = members[watcher]->log();
  EXPECT_EQ(later.find(said, later.find(said) + 1), std::string::npos) << later;
  std::string error;
  const std::vector<Received> stream = ReadStream(nats.url(), kStream, "orphans", &error);
  ASSERT_EQ(error, "");
  int first_seen = 0;
  for (const Received& one : stream) {
    first_seen += one.type == "document.first_seen" && one.body["doc"] == "orphan/privacy-policy";
  }
  EXPECT_EQ(first_seen, 1);
  for (auto& member : members) EXPECT_EQ(member->Stop(), 0);
}

// A member that cannot reach the fleet's bucket (NATS down) is not part of the fleet: a check
// asked for then is answered so, not "this member has not joined the fleet yet" (it had, for
// as long as NATS was up).
TEST(FleetOutageTest, ACheckAskedWhileTheBucketIsUnreachableSaysSo) {
  if (!NatsServer::Installed()) GTEST_SKIP() << kNatsServerBin << " is not installed";
  NatsServer nats;
  const auto sites = StartFleetSites(
      1, 1, [](int site, int document) { return HtmlResponse(Page(site, document)); });
  DaemonHarness member(MemberConfig(nats, 0));
  WriteFleetTargets(member, sites, 1);
  ASSERT_TRUE(nats.Start()) << nats.log();
  ASSERT_TRUE(member.Start()) << member.log();
  ASSERT_TRUE(member.WaitForChecks(1)) << member.log();
  nats.Stop();
  ASSERT_TRUE(WaitFor(
      [&] {
        return member.Control({{"cmd", "status"}})["result"]["fleet"]["connected"] == false;
      },
      seconds(20)))
      << member.log();
  // The error is dated: kept after a recovery, it must not read as the present one.
  nlohmann::json last_error;
  EXPECT_TRUE(WaitFor(
      [&] {
        last_error = member.Control({{"cmd", "status"}})["result"]["fleet"]["last_error"];
        return last_error.is_string();
      },
      seconds(10)));
  EXPECT_NE(last_error.dump().find(" (at 20"), std::string::npos) << last_error.dump();
  const nlohmann::json answer = member.Control(
      {{"cmd", "check"}, {"doc", "site-1-0/privacy-policy"}, {"wait", true}, {"timeout", "20s"}},
      seconds(25));
  ASSERT_EQ(answer["ok"], true) << answer.dump();
  const nlohmann::json outcome = answer["result"]["outcomes"][0];
  EXPECT_EQ(outcome["result"], "not_owner") << answer.dump();
  EXPECT_NE(outcome["message"].get<std::string>().find("cannot reach the fleet's bucket"),
            std::string::npos)
      << answer.dump();
  // Not "checked by the fleet member that owns its site": no member does while this one is out.
  const nlohmann::json shown =
      member.Control({{"cmd", "show"}, {"doc", "site-1-0/privacy-policy"}});
  EXPECT_EQ(shown["result"]["status"], "ok") << shown.dump();
  EXPECT_EQ(member.Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing
