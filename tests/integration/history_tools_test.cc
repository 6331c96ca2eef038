// Issue 4 through the real policyd and policyctl: show --evidence, verify, gc, export and an
// online backup that a second daemon opens with the same history.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "daemon_harness.h"
#include "policyd/clock.h"
#include "policyd/node_id.h"
#include "policyd/store.h"
#include "src/store/database.h"
#include "support/http_test_server.h"

namespace policyd::testing {
namespace {

std::string Page(const std::string& title, int revision) {
  return "<html><head><title>" + title + "</title></head><body><nav>menu " +
         std::to_string(revision) + "</nav><main><h1>" + title +
         "</h1><h2>Sharing</h2><p>Revision " + std::to_string(revision) +
         ": we share with partner " + std::to_string(revision) + ".</p></main></body></html>";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class HistoryToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Serve(1);
    harness_.WriteTarget("acme",
                         "name = \"Acme\"\n[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" +
                             server_.Url("/privacy") +
                             "\"\n[[documents]]\ntype = \"Terms of Service\"\nurl = \"" +
                             server_.Url("/terms") + "\"\n");
    ASSERT_TRUE(harness_.Start()) << harness_.log();
    // The daemon checks new documents at once: wait for those two checks, so that no check of
    // revision 1 is still in flight (it would record an unchanged check) when revision 2 is
    // served and asked for.
    ASSERT_TRUE(harness_.WaitForChecks(2)) << harness_.log();
    Serve(2);
    CheckAllAndWait();
  }

  void Serve(int revision) {
    for (const char* path : {"/privacy", "/terms"}) {
      server_.Set(path, {.status = 200,
                         .headers = {{"Content-Type", "text/html; charset=utf-8"},
                                     {"ETag", "\"r" + std::to_string(revision) + "\""}},
                         .body = Page(path + 1, revision)});
    }
  }

  void CheckAllAndWait() {
    const uint64_t done = harness_.Control({{"cmd", "status"}})["result"]["checks_done"];
    ASSERT_EQ(harness_.Control({{"cmd", "check"}, {"all", true}})["ok"], true);
    ASSERT_TRUE(harness_.WaitForChecks(done + 2)) << harness_.log();
  }

  HttpTestServer server_;
  DaemonHarness harness_;
};

TEST_F(HistoryToolsTest, EvidenceShowsTheCapture) {
  const CommandResult text = harness_.Policyctl({"show", "--evidence", "acme/privacy-policy"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* field : {"final url", "captured", "http status", "sha256 raw bytes",
                            "sha256 text", "policyd version", "header etag"}) {
    EXPECT_NE(text.out.find(field), std::string::npos) << field << "\n" << text.out;
  }
  EXPECT_NE(text.out.find("(document.changed, substantive)"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("reread"), std::string::npos) << text.out;
  const CommandResult json =
      harness_.Policyctl({"--json", "show", "--evidence", "acme/privacy-policy", "1"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto evidence = nlohmann::json::parse(json.out);
  EXPECT_EQ(evidence["index"], 1);
  EXPECT_EQ(evidence["url"], server_.Url("/privacy"));
  EXPECT_EQ(evidence["final_url"], server_.Url("/privacy"));
  EXPECT_EQ(evidence["http_status"], 200);
  EXPECT_EQ(evidence["raw_hash"], Sha256Hex(Page("privacy", 1)));
  EXPECT_EQ(evidence["headers"]["etag"], "\"r1\"");
  EXPECT_FALSE(evidence["policyd_version"].get<std::string>().empty());
  EXPECT_EQ(evidence["event"]["type"], "document.first_seen");
  EXPECT_EQ(harness_.Policyctl({"show", "--evidence", "acme/privacy-policy", "9"}).exit_code, 1);
  // A removed document keeps its history, and its evidence still names platform and type
  // (from the event that announced the version).
  ASSERT_EQ(harness_.Policyctl({"remove", "acme/privacy-policy"}).exit_code, 0);
  const auto removed = nlohmann::json::parse(
      harness_.Policyctl({"--json", "show", "--evidence", "acme/privacy-policy"}).out);
  EXPECT_EQ(removed["platform"], "Acme") << removed.dump();
  EXPECT_EQ(removed["type"], "Privacy Policy");
  EXPECT_EQ(harness_.Policyctl({"show", "--evidence", "nobody/nothing"}).exit_code, 1);
}

// The `events` command pages through the stored log (polling clients, the web view's API).
// "Acme changed its policy between T1 and T2": the last check that read the old text and the
// version's capture bound the change. The first end is kept in the version (the check records
// that show it are pruned by gc and `show` lists only the newest ten), and shown by evidence,
// history, the event and the export's index.
TEST_F(HistoryToolsTest, EvidenceNamesTheWindowOfTheChange) {
  CheckAllAndWait();  // unchanged: the old text read once more
  Serve(3);
  CheckAllAndWait();
  const auto show =
      nlohmann::json::parse(harness_.Policyctl({"--json", "show", "acme/privacy-policy"}).out);
  const auto& recent = show["recent_checks"];
  ASSERT_GE(recent.size(), 2u) << show.dump();
  ASSERT_EQ(recent[0]["outcome"], "changed") << show.dump();
  ASSERT_EQ(recent[1]["outcome"], "unchanged") << show.dump();
  const std::string last_read = recent[1]["time"];

  const auto history =
      nlohmann::json::parse(harness_.Policyctl({"--json", "history", "acme/privacy-policy"}).out);
  const auto& versions = history["versions"];
  ASSERT_EQ(versions.size(), 3u) << history.dump();
  EXPECT_FALSE(versions[0].contains("previous_seen"));
  EXPECT_EQ(versions[1]["previous_seen"], versions[0]["time"]);
  EXPECT_EQ(versions[2]["previous_seen"], last_read);

  const CommandResult evidence = harness_.Policyctl({"show", "--evidence", "acme/privacy-policy"});
  EXPECT_NE(evidence.out.find("previous text last seen"), std::string::npos) << evidence.out;
  EXPECT_NE(evidence.out.find(last_read), std::string::npos) << evidence.out;
  EXPECT_NE(evidence.out.find("sha256 raw bytes (decoded)"), std::string::npos) << evidence.out;

  const auto events = harness_.Control({{"cmd", "events"}, {"since", 0}});
  bool announced = false;
  for (const auto& event : events["result"]["events"]) {
    if (event["type"] == "document.changed" && event["doc"] == "acme/privacy-policy" &&
        event["version"] == 3) {
      EXPECT_EQ(event["previous_seen"], last_read) << event.dump();
      announced = true;
    }
  }
  EXPECT_TRUE(announced) << events.dump();

  const std::filesystem::path out = harness_.dir() / "export";
  ASSERT_EQ(harness_.Policyctl({"export", out.string()}).exit_code, 0);
  const auto index = nlohmann::json::parse(ReadFile(out / "index.json"));
  for (const auto& doc : index["documents"]) {
    if (doc["id"] != "acme/privacy-policy") continue;
    ASSERT_EQ(doc["versions"].size(), 3u);
    EXPECT_EQ(doc["versions"][0]["class"], "first_seen");
    EXPECT_EQ(doc["versions"][2]["class"], "substantive");
    EXPECT_EQ(doc["versions"][2]["previous_seen"], last_read);
  }
}

// A third party checks a capture without policyd: `capture` writes the bytes whose hash the
// evidence names (the raw page, or the text), byte for byte, so sha256sum reproduces it. The
// raw bytes could only be had from the web view or a hand-written control client.
TEST_F(HistoryToolsTest, CaptureWritesTheBytesTheEvidenceHashes) {
  const CommandResult raw = harness_.Policyctl({"capture", "acme/privacy-policy", "1"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(raw.out, Page("privacy", 1));
  const auto evidence = nlohmann::json::parse(
      harness_.Policyctl({"--json", "show", "--evidence", "acme/privacy-policy", "1"}).out);
  EXPECT_EQ(Sha256Hex(raw.out), evidence["raw_hash"]);
  const CommandResult text = harness_.Policyctl({"capture", "--text", "acme/privacy-policy"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const auto newest = nlohmann::json::parse(
      harness_.Policyctl({"--json", "show", "--evidence", "acme/privacy-policy"}).out);
  EXPECT_EQ(Sha256Hex(text.out), newest["text_hash"]);
  EXPECT_NE(text.out.find("Revision 2: we share with partner 2."), std::string::npos) << text.out;
  const auto json = nlohmann::json::parse(
      harness_.Policyctl({"--json", "capture", "acme/privacy-policy", "1"}).out);
  EXPECT_EQ(json["sha256"], evidence["raw_hash"]);
  EXPECT_EQ(json["bytes"], Page("privacy", 1).size());
  // No such version: refused, nothing written.
  const CommandResult missing = harness_.Policyctl({"capture", "acme/privacy-policy", "9"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");
}

// A version's text altered in the database behind the daemon's back: `diff` says so, as
// `capture` does, rather than "internal: version text missing from the store".
TEST_F(HistoryToolsTest, ADiffOverAnAlteredTextSaysItWasAltered) {
  const auto evidence = nlohmann::json::parse(
      harness_.Policyctl({"--json", "show", "--evidence", "acme/privacy-policy", "2"}).out);
  const std::string text_hash = evidence["text_hash"];
  ASSERT_EQ(harness_.Stop(), 0);
  {
    auto database = store_internal::Database::Open(harness_.state_dir() / "db");
    ASSERT_TRUE(database.ok()) << database.status().ToString();
    ASSERT_TRUE((*database)
                    ->db()
                    ->Put(rocksdb::WriteOptions(), (*database)->cf(store_internal::Cf::kBlobs),
                          text_hash, "Revision 2: we share with nobody.\n")
                    .ok());
  }
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"diff", "acme/privacy-policy", "1", "2"},
        std::vector<std::string>{"capture", "--text", "acme/privacy-policy", "2"}}) {
    const CommandResult result = harness_.Policyctl(command);
    EXPECT_NE(result.exit_code, 0) << command[0];
    EXPECT_NE(result.err.find("blob " + text_hash + " does not match its hash"), std::string::npos)
        << command[0] << ": " << result.err;
    EXPECT_NE(result.err.find("the stored data was altered"), std::string::npos)
        << command[0] << ": " << result.err;
  }
}

// A page that goes back to an earlier text: the evidence of the new version says so (the event's
// same_as_version was only in the JSON).
TEST_F(HistoryToolsTest, EvidenceOfARevertNamesTheEarlierVersion) {
  Serve(1);
  CheckAllAndWait();
  const CommandResult evidence =
      harness_.Policyctl({"show", "--evidence", "acme/privacy-policy", "3"});
  ASSERT_EQ(evidence.exit_code, 0) << evidence.err;
  EXPECT_NE(evidence.out.find("same text as"), std::string::npos) << evidence.out;
  EXPECT_NE(evidence.out.find("version 1 (the page went back to it)"), std::string::npos)
      << evidence.out;
  const CommandResult first =
      harness_.Policyctl({"show", "--evidence", "acme/privacy-policy", "2"});
  EXPECT_EQ(first.out.find("same text as"), std::string::npos) << first.out;
}

// The hashes an event cites, given to `diff`, compare the versions that event announced, also
// when the old text came back later: the old side was the newest version with that text,
// captured after the new side (found by a journalist tracing a change by its event).
TEST_F(HistoryToolsTest, DiffOfAnEventsHashesComparesTheVersionsItAnnounced) {
  Serve(1);
  CheckAllAndWait();  // version 3: the text of version 1 again
  const auto history =
      harness_.Control({{"cmd", "history"}, {"doc", "acme/privacy-policy"}})["result"]["versions"];
  ASSERT_EQ(history.size(), 3u);
  const std::string first = history[0]["text_hash"];
  const std::string second = history[1]["text_hash"];
  ASSERT_EQ(history[2]["text_hash"], first);
  const auto diff = harness_.Control(
      {{"cmd", "diff"}, {"doc", "acme/privacy-policy"}, {"a", first}, {"b", second}});
  ASSERT_EQ(diff["ok"], true) << diff.dump();
  const std::string text = diff["result"]["diff"];
  const std::string old_label = "--- acme/privacy-policy " + std::string(history[0]["time"]);
  EXPECT_EQ(text.substr(0, old_label.size()), old_label) << text;
  // The other way round, the newest version with the old text is the one after it.
  const auto back = harness_.Control(
      {{"cmd", "diff"}, {"doc", "acme/privacy-policy"}, {"a", second}, {"b", first}});
  ASSERT_EQ(back["ok"], true) << back.dump();
  const std::string new_label = "+++ acme/privacy-policy " + std::string(history[2]["time"]);
  EXPECT_NE(std::string(back["result"]["diff"]).find(new_label), std::string::npos) << back.dump();

  // The new text comes back later after a third one (versions 4: r2, 5: r3, 6: r2): the
  // hashes still name a change from the first text to the second, versions 3 -> 4, not the
  // newest version with the second text (6, which followed r3).
  for (const int revision : {2, 3, 2}) {
    Serve(revision);
    CheckAllAndWait();
  }
  const auto later =
      harness_.Control({{"cmd", "history"}, {"doc", "acme/privacy-policy"}})["result"]["versions"];
  ASSERT_EQ(later.size(), 6u);
  const auto again = harness_.Control(
      {{"cmd", "diff"}, {"doc", "acme/privacy-policy"}, {"a", first}, {"b", second}});
  ASSERT_EQ(again["ok"], true) << again.dump();
  const std::string labels = again["result"]["diff"];
  EXPECT_NE(labels.find("--- acme/privacy-policy " + std::string(later[2]["time"])),
            std::string::npos)
      << labels;
  EXPECT_NE(labels.find("+++ acme/privacy-policy " + std::string(later[3]["time"])),
            std::string::npos)
      << labels;
}

TEST_F(HistoryToolsTest, EventsCommandPagesThroughTheLogInSequenceOrder) {
  const auto first = harness_.Control({{"cmd", "events"}, {"limit", 3}});
  ASSERT_EQ(first["ok"], true) << first.dump();
  const auto& result = first["result"];
  EXPECT_EQ(result["last_seq"], 4);  // two first_seen, then two changed
  EXPECT_EQ(result["more"], true);
  ASSERT_EQ(result["events"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(result["events"][i]["seq"], i + 1);
  EXPECT_EQ(result["events"][0]["type"], "document.first_seen");
  EXPECT_EQ(result["events"][2]["type"], "document.changed");

  const auto rest = harness_.Control({{"cmd", "events"}, {"since", 3}})["result"];
  ASSERT_EQ(rest["events"].size(), 1u);
  EXPECT_EQ(rest["events"][0]["seq"], 4);
  EXPECT_EQ(rest["events"][0]["type"], "document.changed");
  const std::set<std::string> changed = {result["events"][2]["doc"], rest["events"][0]["doc"]};
  EXPECT_EQ(changed, (std::set<std::string>{"acme/privacy-policy", "acme/terms-of-service"}));
  EXPECT_EQ(rest["more"], false);
  EXPECT_TRUE(harness_.Control({{"cmd", "events"}, {"since", 4}})["result"]["events"].empty());
  // A position past the log's end was never handed out: the database was replaced (a restore,
  // a new state_dir). Refused as the events socket refuses it, not answered "nothing new".
  const auto ahead = harness_.Control({{"cmd", "events"}, {"since", 99}});
  EXPECT_EQ(ahead["error"]["code"], "invalid_argument") << ahead.dump();
  EXPECT_EQ(ahead["error"]["message"],
            "\"since\" 99 is ahead of the log (last_seq 4); was the database replaced?")
      << ahead.dump();

  for (const nlohmann::json& bad : {nlohmann::json{{"cmd", "events"}, {"limit", 0}},
                                    nlohmann::json{{"cmd", "events"}, {"limit", 1001}},
                                    nlohmann::json{{"cmd", "events"}, {"since", "3"}},
                                    nlohmann::json{{"cmd", "events"}, {"since", -1}}}) {
    const auto answer = harness_.Control(bad);
    EXPECT_EQ(answer["error"]["code"], "invalid_argument") << bad.dump();
  }
}

// An argument of the wrong JSON type is the client's mistake, said as such and naming the
// argument; before, the handlers' json::value() threw and the client was told "internal".
TEST_F(HistoryToolsTest, ArgumentsOfTheWrongTypeAreInvalidNotInternal) {
  const std::string doc = "acme/privacy-policy";
  const std::vector<std::pair<nlohmann::json, std::string>> cases = {
      {{{"cmd", "history"}, {"doc", 5}}, "\"doc\" must be a string"},
      {{{"cmd", "show"}, {"doc", {"acme/privacy-policy"}}}, "\"doc\" must be a string"},
      {{{"cmd", "diff"}, {"doc", doc}, {"word", "yes"}}, "\"word\" must be true or false"},
      {{{"cmd", "diff"}, {"doc", doc}, {"context", "3"}}, "\"context\" must be an integer"},
      {{{"cmd", "diff"}, {"doc", doc}, {"context", -1}}, "\"context\" must be an integer"},
      {{{"cmd", "diff"}, {"doc", doc}, {"context", 1'000'000'000}},
       "\"context\" must be an integer"},
      {{{"cmd", "evidence"}, {"doc", doc}, {"version", 2}}, "\"version\" must be a string"},
      {{{"cmd", "text"}, {"doc", doc}, {"hash", true}}, "\"hash\" must be a string"},
      // null is not "not given": it is a value of the wrong type.
      {{{"cmd", "history"}, {"doc", nullptr}}, "\"doc\" must be a string"},
      {{{"cmd", "diff"}, {"doc", doc}, {"a", nullptr}}, "\"a\" must be a string"},
      {{{"cmd", "diff"}, {"doc", doc}, {"word", nullptr}}, "\"word\" must be true or false"},
      {{{"cmd", "segments"}, {"doc", doc}, {"version", nullptr}}, "\"version\" must be a string"},
      {{{"cmd", "offsets"}, {"doc", doc}, {"from", nullptr}}, "\"from\" must be a string"},
  };
  for (const auto& [request, message] : cases) {
    const nlohmann::json answer = harness_.Control(request);
    EXPECT_EQ(answer["error"]["code"], "invalid_argument") << request.dump() << answer.dump();
    EXPECT_NE(answer["error"]["message"].get<std::string>().find(message), std::string::npos)
        << answer.dump();
  }
  // Right types still work, and the daemon is still there.
  const nlohmann::json diff =
      harness_.Control({{"cmd", "diff"}, {"doc", doc}, {"word", true}, {"context", 1}});
  EXPECT_EQ(diff["ok"], true) << diff.dump();
}

TEST_F(HistoryToolsTest, VerifyAndGc) {
  const CommandResult verify = harness_.Policyctl({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("OK"), std::string::npos);
  // A retention under the config's minimum (1d) is refused, not applied: "90s" typed for "90d"
  // would delete the records that prove the pages were verified unchanged. (The daemon used
  // to take any duration, "0s" included.) policyctl says so of its flag, before asking; the
  // daemon refuses the JSON argument too.
  const CommandResult typo = harness_.Policyctl({"gc", "--check-retention", "90s"});
  EXPECT_EQ(typo.exit_code, 2) << typo.out;
  EXPECT_NE(typo.err.find("--check-retention must be between 1d and 36500d, not 90s"),
            std::string::npos)
      << typo.err;
  const nlohmann::json refused = harness_.Control({{"cmd", "gc"}, {"check_retention", "90s"}});
  EXPECT_EQ(refused["error"]["code"], "invalid_argument") << refused.dump();
  EXPECT_NE(refused["error"]["message"].get<std::string>().find(
                "check_retention must be between 1d and 36500d, not 90s"),
            std::string::npos)
      << refused.dump();
  const CommandResult gc = harness_.Policyctl({"--json", "gc", "--check-retention", "1d"});
  ASSERT_EQ(gc.exit_code, 0) << gc.err;
  const auto report = nlohmann::json::parse(gc.out);
  EXPECT_EQ(report["checks_deleted"], 0);  // every check so far made a version
  EXPECT_EQ(report["blobs_deleted"], 0);
  // For people: the bytes are all that was freed (check records too), not the blobs' alone.
  const CommandResult human = harness_.Policyctl({"gc", "--check-retention", "1d"});
  EXPECT_EQ(human.out.rfind("deleted 0 of ", 0), 0u) << human.out;
  // In units people read ("~20 KiB", not "~20074 bytes").
  EXPECT_NE(human.out.find(" blob(s); 0 B freed in all; database now ~"), std::string::npos)
      << human.out;
  EXPECT_NE(human.out.find("iB\n"), std::string::npos) << human.out;
  const CommandResult verified = harness_.Policyctl({"verify"});
  EXPECT_EQ(verified.out.find(" s\n"), std::string::npos) << verified.out;  // was "0.000523905 s"
  EXPECT_NE(verified.out.find("ms\nOK"), std::string::npos) << verified.out;
  EXPECT_EQ(harness_.Policyctl({"gc", "--check-retention", "soon"}).exit_code, 2);
  EXPECT_EQ(harness_.Policyctl({"verify"}).exit_code, 0);
}

TEST_F(HistoryToolsTest, ExportWritesDatedMarkdownAndAnIndex) {
  const std::filesystem::path out = harness_.dir() / "export";
  const CommandResult result = harness_.Policyctl({"export", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto index = nlohmann::json::parse(ReadFile(out / "index.json"));
  ASSERT_EQ(index["documents"].size(), 2u);
  std::size_t files = 0;
  for (const auto& doc : index["documents"]) {
    ASSERT_EQ(doc["versions"].size(), 2u);
    for (const auto& version : doc["versions"]) {
      const std::filesystem::path file = out / version["file"].get<std::string>();
      EXPECT_EQ(file.extension(), ".md");
      EXPECT_EQ(file.parent_path().parent_path().filename(), "Acme");
      // The file is the stored text, byte for byte.
      EXPECT_EQ(Sha256Hex(ReadFile(file)), version["text_sha256"]) << file;
      ++files;
    }
  }
  EXPECT_EQ(files, 4u);
  EXPECT_TRUE(std::filesystem::exists(out / "Acme" / "Privacy Policy"));
}

// With --raw, a third party given only the export can check every hash it cites: each raw
// file is the capture as served, and its sha256sum is the index's raw_sha256 (the export held
// the texts only, so the raw hashes could not be checked once the database was gone).
TEST_F(HistoryToolsTest, ExportWithRawHoldsTheCapturesTheIndexHashes) {
  const std::filesystem::path out = harness_.dir() / "export-raw";
  const CommandResult result = harness_.Policyctl({"export", "--raw", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto index = nlohmann::json::parse(ReadFile(out / "index.json"));
  std::set<std::string> captures;
  for (const auto& doc : index["documents"]) {
    for (const auto& version : doc["versions"]) {
      ASSERT_TRUE(version.contains("raw_file")) << version.dump();
      const std::filesystem::path raw = out / version["raw_file"].get<std::string>();
      EXPECT_EQ(raw.extension(), ".raw");
      EXPECT_EQ(raw.stem(), (out / version["file"].get<std::string>()).stem());
      const std::string bytes = ReadFile(raw);
      EXPECT_EQ(Sha256Hex(bytes), version["raw_sha256"]) << raw;
      captures.insert(bytes);
    }
  }
  EXPECT_EQ(captures, (std::set<std::string>{Page("privacy", 1), Page("privacy", 2),
                                             Page("terms", 1), Page("terms", 2)}));
  // Without it, texts only.
  const std::filesystem::path plain = harness_.dir() / "export-plain";
  ASSERT_EQ(harness_.Policyctl({"export", plain.string()}).exit_code, 0);
  const auto plain_index = nlohmann::json::parse(ReadFile(plain / "index.json"));
  EXPECT_FALSE(plain_index["documents"][0]["versions"][0].contains("raw_file"));
}

// A file the disk (or a quota, or a file-size limit) cuts short is a failed export: not an
// empty file under its final name with exit 0.
TEST_F(HistoryToolsTest, AnExportTheDiskRefusesFailsAndLeavesNoEmptyFiles) {
  const std::filesystem::path out = harness_.dir() / "export";
  const CommandResult result =
      RunCommand({"/bin/bash", "-c", "ulimit -f 0; trap '' XFSZ; exec \"$0\" \"$@\"", POLICYCTL_BIN,
                  "--config", harness_.config_path().string(), "export", out.string()});
  // (Its message cannot be read here: the limit holds for the captured stderr file too.)
  EXPECT_EQ(result.exit_code, 4) << result.out << result.err;
  std::size_t written = 0;
  if (std::filesystem::exists(out)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(out)) {
      if (!entry.is_regular_file()) continue;
      ++written;
      ADD_FAILURE() << "left behind: " << entry.path() << " (" << entry.file_size() << " bytes)";
    }
  }
  EXPECT_EQ(written, 0u);
}

// A backup restored in place of the database (or opened beside it) publishes its later events
// to JetStream under message ids of its own: with the original's node id, its events after the
// backup took the ids the original had used for other events, and JetStream dropped them as
// duplicates or the outbox resumed past them.
TEST_F(HistoryToolsTest, ABackupHasANodeIdOfItsOwn) {
  ASSERT_EQ(harness_.Stop(), 0);
  std::string original;
  {
    auto store = Store::Open(harness_.state_dir() / "db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const Result<std::string> id = LoadOrCreateNodeId(**store);  // as a NATS outbox does
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    original = *id;
  }
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  const std::filesystem::path backup = harness_.dir() / "backup";
  const CommandResult result = harness_.Policyctl({"backup", backup.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(harness_.Stop(), 0);
  for (const auto& [dir, expect_original] :
       {std::pair{harness_.state_dir() / "db", true}, std::pair{backup / "db", false}}) {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const Result<std::string> id = (*store)->GetMeta("node_id");
    ASSERT_TRUE(id.ok()) << dir;
    EXPECT_TRUE(IsValidNodeId(*id)) << *id;
    EXPECT_EQ(*id == original, expect_original) << dir << ": " << *id;
  }
}

// The last event a backup holds is what policyctl prints and what subscribers must replay from
// after a restore. It was read from the live database after the copy was made, so with checks
// running it named events the copy does not hold (and that the restored database numbers anew).
TEST(BackupWhileCheckingTest, TheLastEventReportedIsTheCopysOwn) {
  HttpTestServer server;
  std::atomic<int> served{0};
  std::string documents;
  for (int i = 0; i < 20; ++i) {
    const std::string path = "/doc" + std::to_string(i);
    server.SetHandler(path, [&served](const RecordedRequest&) {
      return TestResponse{.headers = {{"Content-Type", "text/html; charset=utf-8"}},
                          .body = Page("Terms", ++served)};
    });
    documents += "[[documents]]\ntype = \"Terms " + std::to_string(i) + "\"\nurl = \"" +
                 server.Url(path) + "\"\n";
  }
  DaemonHarness harness("default_interval = \"1s\"\ninterval_jitter = 0.5\n");
  harness.WriteTarget("acme", "name = \"Acme\"\n" + documents);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(60)) << harness.log();  // the second round under way
  for (int round = 0; round < 10; ++round) {
    const std::filesystem::path backup = harness.dir() / ("backup" + std::to_string(round));
    const CommandResult result = harness.Policyctl({"--json", "backup", backup.string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const nlohmann::json answer = nlohmann::json::parse(result.out);
    auto copy = Store::Open(backup / "db");
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    EXPECT_EQ(answer["last_seq"], (*copy)->LastSequence()) << "backup " << round;
  }
  EXPECT_EQ(harness.Stop(), 0);
}

// A second export into the same directory would leave the first one's files that this one
// does not overwrite (a store with fewer versions, another store) beside an index that does
// not list them: refused.
TEST_F(HistoryToolsTest, ExportRefusesADirectoryThatIsNotEmpty) {
  const std::filesystem::path out = harness_.dir() / "export";
  ASSERT_EQ(harness_.Policyctl({"export", out.string()}).exit_code, 0);
  const std::string index = ReadFile(out / "index.json");
  const CommandResult again = harness_.Policyctl({"export", out.string()});
  EXPECT_EQ(again.exit_code, 4) << again.err;
  EXPECT_NE(again.err.find(out.string() + " is not empty"), std::string::npos) << again.err;
  EXPECT_EQ(ReadFile(out / "index.json"), index);  // untouched
  // An empty directory is fine.
  std::filesystem::create_directories(harness_.dir() / "empty");
  EXPECT_EQ(harness_.Policyctl({"export", (harness_.dir() / "empty").string()}).exit_code, 0);
}

TEST_F(HistoryToolsTest, BackupWhileRunningOpensInASecondDaemon) {
  // The backup goes straight into the state dir of a second daemon (its own config and
  // sockets): exactly what `policyd --state-dir DIR` would open.
  DaemonHarness second("");
  second.WriteTarget("acme", ReadFile(harness_.targets_dir() / "acme.toml"));
  // A document added at run time lives in <state_dir>/targets/, beside the database: the
  // backup holds it too, or a restore would silently stop watching it.
  const CommandResult added =
      harness_.Policyctl({"add", "--platform", "Initech", "--type", "Privacy Policy", "--url",
                          server_.Url("/privacy")});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::filesystem::path backup = second.state_dir();
  const CommandResult result = harness_.Policyctl({"backup", backup.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::filesystem::exists(backup / "db" / "CURRENT"));
  EXPECT_TRUE(std::filesystem::exists(backup / "targets" / "initech.toml"));
  // A second backup into the same place is refused rather than overwriting.
  EXPECT_EQ(harness_.Policyctl({"backup", backup.string()}).exit_code, 1);
  const auto original = harness_.Control({{"cmd", "history"}, {"doc", "acme/privacy-policy"}});
  const uint64_t last_seq = harness_.Control({{"cmd", "status"}})["result"]["last_seq"];

  // The first daemon keeps running while the second opens the copy.
  ASSERT_TRUE(second.Start()) << second.log();
  EXPECT_EQ(second.Control({{"cmd", "status"}})["result"]["last_seq"], last_seq);
  const auto copied = second.Control({{"cmd", "history"}, {"doc", "acme/privacy-policy"}});
  ASSERT_EQ(copied["ok"], true);
  EXPECT_EQ(copied["result"]["versions"], original["result"]["versions"]);
  EXPECT_EQ(second.Control({{"cmd", "show"}, {"doc", "initech/privacy-policy"}})["ok"], true);
  EXPECT_EQ(second.Policyctl({"verify"}).exit_code, 0);
  EXPECT_EQ(second.Stop(), 0);
}

// A backup that cannot finish (here its target files cannot be written: DIR/targets is a file)
// leaves no DIR/db that a daemon would open as complete while it watches less, and the same
// backup, once the cause is mended, succeeds.
TEST_F(HistoryToolsTest, AnUnfinishedBackupLeavesNoDatabaseAndCanBeRetried) {
  ASSERT_EQ(harness_
                .Policyctl({"add", "--platform", "Initech", "--type", "Privacy Policy", "--url",
                            server_.Url("/privacy")})
                .exit_code,
            0);
  const std::filesystem::path backup = harness_.dir() / "backup";
  std::filesystem::create_directories(backup);
  std::ofstream(backup / "targets") << "in the way";
  const CommandResult failed = harness_.Policyctl({"backup", backup.string()});
  EXPECT_EQ(failed.exit_code, 1) << failed.out;
  EXPECT_FALSE(std::filesystem::exists(backup / "db")) << failed.err;

  std::filesystem::remove(backup / "targets");
  const CommandResult retried = harness_.Policyctl({"backup", backup.string()});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_TRUE(std::filesystem::exists(backup / "db" / "CURRENT"));
  EXPECT_TRUE(std::filesystem::exists(backup / "targets" / "initech.toml"));
  for (const auto& entry : std::filesystem::directory_iterator(backup)) {
    EXPECT_TRUE(entry.path().filename() == "db" || entry.path().filename() == "targets")
        << entry.path();
  }
}

// A backup never writes over what is not its own (found by an operator: `backup` into the
// directory of a config whose targets_dir = "targets" replaced its acme.toml with the run-time
// one, and the documents it declared stopped being watched at the next reload). Each refusal
// says why; the operator's files are as they were.
TEST_F(HistoryToolsTest, ABackupRefusesToOverwriteTargetFilesOrTheLiveDatabase) {
  ASSERT_EQ(harness_
                .Policyctl({"add", "--platform", "Acme", "--type", "Refund Policy", "--url",
                            server_.Url("/privacy")})
                .exit_code,
            0);
  const std::filesystem::path config_dir = harness_.dir() / "operator";
  std::filesystem::create_directories(config_dir / "targets");
  const std::string declared = "# the operator's own file\nname = \"Acme\"\n";
  std::ofstream(config_dir / "targets" / "acme.toml") << declared;
  const CommandResult over_targets = harness_.Policyctl({"backup", config_dir.string()});
  EXPECT_EQ(over_targets.exit_code, 1) << over_targets.out;
  EXPECT_NE(over_targets.err.find((config_dir / "targets").string() +
                                  " already holds files, which the backup's target files would "
                                  "overwrite"),
            std::string::npos)
      << over_targets.err;
  EXPECT_EQ(ReadFile(config_dir / "targets" / "acme.toml"), declared);
  EXPECT_FALSE(std::filesystem::exists(config_dir / "db"));
  EXPECT_FALSE(std::filesystem::exists(config_dir / "db.partial"));

  const CommandResult over_state = harness_.Policyctl({"backup", harness_.state_dir().string()});
  EXPECT_EQ(over_state.exit_code, 1);
  EXPECT_NE(over_state.err.find("is the daemon's own state directory"), std::string::npos)
      << over_state.err;
  const CommandResult inside =
      harness_.Policyctl({"backup", (harness_.state_dir() / "db" / "copy").string()});
  EXPECT_EQ(inside.exit_code, 1);
  EXPECT_NE(inside.err.find("is inside the daemon's own database"), std::string::npos)
      << inside.err;
  EXPECT_FALSE(std::filesystem::exists(harness_.state_dir() / "db" / "copy"));
  std::ofstream(harness_.dir() / "a-file") << "x";
  const CommandResult file = harness_.Policyctl({"backup", (harness_.dir() / "a-file").string()});
  EXPECT_EQ(file.exit_code, 1);
  EXPECT_NE(file.err.find("exists and is not a directory"), std::string::npos) << file.err;

  // An empty targets directory is fine.
  std::filesystem::remove(config_dir / "targets" / "acme.toml");
  const CommandResult written = harness_.Policyctl({"backup", config_dir.string()});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_TRUE(std::filesystem::exists(config_dir / "targets" / "acme.toml"));
}

// The retention policy runs on its own (gc_interval): old rechecks go, the check that created
// the version stays, and so do the version and the document's newest check (the last proof
// that it was verified).
TEST(RetentionTest, DaemonAppliesTheRetentionPolicyPeriodically) {
  DaemonHarness harness("gc_interval = \"1s\"\ncheck_retention = \"30d\"\n");
  harness.WriteTarget("none", "name = \"None\"\n");
  constexpr int64_t kDay = int64_t{24} * 3600 * 1000;
  const int64_t long_ago = NowUnixMillis() - 200 * kDay;
  const std::string doc = "old/privacy-policy";
  const std::string text = "# Old policy\n\nWe keep nothing.\n";
  {
    std::filesystem::create_directories(harness.state_dir());
    auto store = Store::Open(harness.state_dir() / "db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    CheckCommit first;
    first.doc_id = doc;
    first.check = {.time_ms = long_ago,
                   .outcome = "first_seen",
                   .http_status = 200,
                   .text_hash = Sha256Hex(text)};
    first.state.last_text_hash = Sha256Hex(text);
    first.version = CheckCommit::NewVersion{.text = text,
                                            .raw_html = "<p>" + text,
                                            .record = {.time_ms = long_ago, .http_status = 200}};
    first.events = {{{"type", "document.first_seen"}, {"doc", doc}, {"hash", Sha256Hex(text)}}};
    ASSERT_TRUE((*store)->CommitCheck(first).ok());
    for (int day = 1; day <= 3; ++day) {
      CheckCommit recheck;
      recheck.doc_id = doc;
      recheck.check = {.time_ms = long_ago + day * kDay,
                       .outcome = "unchanged",
                       .http_status = 200,
                       .text_hash = Sha256Hex(text)};
      recheck.state.last_text_hash = Sha256Hex(text);
      ASSERT_TRUE((*store)->CommitCheck(recheck).ok());
    }
  }
  ASSERT_TRUE(harness.Start()) << harness.log();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (harness.log().find("retention: 2 check record(s)") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(harness.log().find("retention: 2 check record(s)"), std::string::npos) << harness.log();
  EXPECT_EQ(harness.Stop(), 0);
  auto store = Store::Open(harness.state_dir() / "db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const auto checks = (*store)->GetChecks(doc, 100);
  ASSERT_TRUE(checks.ok());
  ASSERT_EQ(checks->size(), 2u);
  EXPECT_EQ((*checks)[0].outcome, "unchanged");
  EXPECT_EQ((*checks)[0].time_ms, long_ago + 3 * kDay);
  EXPECT_EQ((*checks)[1].outcome, "first_seen");
  const auto history = (*store)->GetHistory(doc);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 1u);
}

}  // namespace
}  // namespace policyd::testing
