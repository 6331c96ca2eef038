// TargetCatalog's two halves: a reload reads the target files off the event loop (Read, on
// the daemon's worker pool) and makes them the set on it (Adopt). What the daemon relies on:
// a read changes nothing until it is adopted, and an add or a remove made while it ran is
// never lost, because the adoption is refused and the files are read again.
#include "target_catalog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "policyd/store.h"
#include "support/log_capture.h"
#include "support/temp_dir.h"

namespace policyd {
namespace {

std::vector<std::string> Ids(const TargetCatalog& catalog) {
  std::vector<std::string> ids;
  for (const auto& spec : catalog.documents()) ids.push_back(spec->id);
  return ids;
}

DocumentSpec RuntimeSpec(const std::string& platform, const std::string& url) {
  DocumentSpec spec;
  spec.platform = platform;
  spec.type = "Privacy Policy";
  spec.url = url;
  return spec;
}

class TargetCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(root_.path().empty());
    std::filesystem::create_directories(bundled_dir());
    auto opened = Store::Open(root_.path() / "db");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    catalog_ =
        std::make_unique<TargetCatalog>(bundled_dir(), root_.path() / "targets", store_.get());
  }

  std::filesystem::path bundled_dir() const { return root_.path() / "bundled"; }

  void WriteBundled(const std::string& platform, const std::string& type) {
    std::ofstream(bundled_dir() / (platform + ".toml"))
        << "name = \"" << platform << "\"\n\n[[documents]]\ntype = \"" << type
        << "\"\nurl = \"https://" << platform << ".example/legal\"\n";
  }

  TempDir root_{"policyd_catalog"};
  std::unique_ptr<Store> store_;
  std::unique_ptr<TargetCatalog> catalog_;
};

TEST_F(TargetCatalogTest, AReadChangesNothingUntilItIsAdopted) {
  WriteBundled("acme", "Terms of Service");
  ASSERT_TRUE(catalog_->Load().ok());
  ASSERT_EQ(Ids(*catalog_), (std::vector<std::string>{"acme/terms-of-service"}));

  WriteBundled("globex", "Privacy Policy");
  auto read = catalog_->Read(catalog_->generation());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(Ids(*catalog_), (std::vector<std::string>{"acme/terms-of-service"}));

  ASSERT_TRUE(catalog_->Adopt(std::move(*read)).ok());
  EXPECT_EQ(Ids(*catalog_),
            (std::vector<std::string>{"acme/terms-of-service", "globex/privacy-policy"}));
}

// A bundled document removed and added back with `policyctl add` is defined at run time from
// then on: edits of its bundled entry (a package upgrade's) no longer apply. Each load says so,
// naming both files, instead of ignoring the bundled entry without a word.
TEST_F(TargetCatalogTest, ARunTimeDocumentThatHidesABundledOneIsLoggedAtEachLoad) {
  WriteBundled("acme", "Privacy Policy");
  ASSERT_TRUE(catalog_->Load().ok());
  ASSERT_TRUE(catalog_->Remove("acme/privacy-policy").ok());
  ASSERT_TRUE(catalog_->Add(RuntimeSpec("acme", "https://acme.example/privacy-new")).ok());
  testing::LogCapture log;
  ASSERT_TRUE(catalog_->Load().ok());
  EXPECT_EQ(catalog_->documents().at(0)->url, "https://acme.example/privacy-new");
  EXPECT_EQ(log.Count(spdlog::level::warn, "targets: acme/privacy-policy: added at run time (" +
                                               (root_.path() / "targets" / "acme.toml").string() +
                                               "), which overrides its entry in " +
                                               (bundled_dir() / "acme.toml").string()),
            1u);
}

// A declared document removed with `policyctl remove` used to be skipped at every load
// without a word, so an operator who later edited its declaration believed it watched; and
// `add` brought it back as a run-time entry without the declaration's ranges, pages and
// rendering. Each load now names it with the command that watches it again, and that `add`
// (the declared URL, no settings of its own) watches it as declared.
TEST_F(TargetCatalogTest, ADeclaredDocumentRemovedAtRunTimeIsNamedAndAddedBackAsDeclared) {
  WriteBundled("acme", "Privacy Policy");
  std::ofstream(bundled_dir() / "acme.toml", std::ios::app) << "select = [\"main\"]\n";
  ASSERT_TRUE(catalog_->Load().ok());
  ASSERT_TRUE(catalog_->Remove("acme/privacy-policy").ok());
  {
    testing::LogCapture log;
    ASSERT_TRUE(catalog_->Load().ok());
    EXPECT_TRUE(Ids(*catalog_).empty());
    EXPECT_EQ(log.Count(spdlog::level::info,
                        "targets: acme/privacy-policy: declared in " +
                            (bundled_dir() / "acme.toml").string() +
                            ", not watched: removed at run time (policyctl add --platform acme "
                            "--type 'Privacy Policy' --url https://acme.example/legal watches it "
                            "as declared again)"),
              1u);
  }
  auto added = catalog_->Add(RuntimeSpec("acme", "https://acme.example/legal"));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ((*added)->source_file.path(), bundled_dir() / "acme.toml");
  EXPECT_EQ(std::vector<std::string>((*added)->select.begin(), (*added)->select.end()),
            std::vector<std::string>{"main"});
  EXPECT_FALSE(std::filesystem::exists(root_.path() / "targets" / "acme.toml"));
  testing::LogCapture log;
  ASSERT_TRUE(catalog_->Load().ok());  // and so it stays
  EXPECT_EQ(Ids(*catalog_), std::vector<std::string>{"acme/privacy-policy"});
  EXPECT_EQ(log.Count(spdlog::level::info, "not watched: removed at run time"), 0u);
  EXPECT_EQ(catalog_->documents().at(0)->select.size(), 1u);

  // An add with another URL or settings of its own is a run-time entry, as before.
  ASSERT_TRUE(catalog_->Remove("acme/privacy-policy").ok());
  ASSERT_TRUE(catalog_->Load().ok());
  auto other = catalog_->Add(RuntimeSpec("acme", "https://acme.example/privacy-new"));
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ((*other)->source_file.path(), root_.path() / "targets" / "acme.toml");
}

// The same `add` straight after the `remove`, before any load (the operator undoing a
// mistake): it made a run-time entry, which hid the declaration's later edits (its `remove`,
// its `interval`) without a word.
TEST_F(TargetCatalogTest, ADeclaredDocumentAddedBackRightAfterItsRemovalIsDeclaredAgain) {
  WriteBundled("acme", "Privacy Policy");
  std::ofstream(bundled_dir() / "acme.toml", std::ios::app) << "select = [\"main\"]\n";
  ASSERT_TRUE(catalog_->Load().ok());
  ASSERT_TRUE(catalog_->Remove("acme/privacy-policy").ok());
  auto added = catalog_->Add(RuntimeSpec("acme", "https://acme.example/legal"));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ((*added)->source_file.path(), bundled_dir() / "acme.toml");
  EXPECT_EQ((*added)->select.size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(root_.path() / "targets" / "acme.toml"));
  // An edit of the declaration applies at the next load.
  std::ofstream(bundled_dir() / "acme.toml", std::ios::app) << "remove = [\".promo\"]\n";
  ASSERT_TRUE(catalog_->Load().ok());
  ASSERT_EQ(Ids(*catalog_), std::vector<std::string>{"acme/privacy-policy"});
  EXPECT_EQ(catalog_->documents().at(0)->remove.size(), 1u);
}

// A run-time file deleted between the listing of its directory and its reading (a `remove`
// of a platform's last document while a reload reads) failed the reload: "cannot read: No
// such file or directory (keeping the running targets)". It is absent, as it would have been
// a moment later.
TEST_F(TargetCatalogTest, AFileGoneBetweenListingAndReadingIsAbsentNotAnError) {
  WriteBundled("acme", "Terms of Service");
  ASSERT_TRUE(catalog_->Load().ok());
  // Another writer adds and deletes a platform's file without pause, each write whole (a
  // hidden file renamed into place, as WriteTargetFile does): only its going can fail a read.
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    const std::filesystem::path hidden = bundled_dir() / ".zeta.toml.tmp";
    const std::filesystem::path file = bundled_dir() / "zeta.toml";
    std::error_code ignored;
    while (!stop) {
      std::ofstream(hidden) << "name = \"zeta\"\n\n[[documents]]\ntype = \"Privacy Policy\"\n"
                               "url = \"https://zeta.example/legal\"\n";
      std::filesystem::rename(hidden, file, ignored);
      std::filesystem::remove(file, ignored);
    }
  });
  Status failed;
  for (int round = 0; round < 400 && failed.ok(); ++round) failed = catalog_->Load();
  stop = true;
  churn.join();
  EXPECT_TRUE(failed.ok()) << failed.ToString();
}

TEST_F(TargetCatalogTest, AnAddMadeWhileTheFilesWereReadIsNotLost) {
  WriteBundled("acme", "Terms of Service");
  ASSERT_TRUE(catalog_->Load().ok());
  auto read = catalog_->Read(catalog_->generation());  // began before the add
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  auto added = catalog_->Add(RuntimeSpec("Initech", "https://initech.example/privacy"));
  ASSERT_TRUE(added.ok()) << added.status().ToString();

  const Status adopted = catalog_->Adopt(std::move(*read));
  EXPECT_EQ(adopted.code(), Status::Code::kBusy) << adopted.ToString();
  EXPECT_EQ(Ids(*catalog_),
            (std::vector<std::string>{"acme/terms-of-service", "initech/privacy-policy"}));

  // Read again, the added document's file is part of the set.
  auto again = catalog_->Read(catalog_->generation());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(catalog_->Adopt(std::move(*again)).ok());
  EXPECT_EQ(Ids(*catalog_),
            (std::vector<std::string>{"acme/terms-of-service", "initech/privacy-policy"}));
}

TEST_F(TargetCatalogTest, ARemoveMadeWhileTheFilesWereReadIsNotUndone) {
  WriteBundled("acme", "Terms of Service");
  WriteBundled("globex", "Privacy Policy");
  ASSERT_TRUE(catalog_->Load().ok());
  auto read = catalog_->Read(catalog_->generation());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(catalog_->Remove("globex/privacy-policy").ok());

  EXPECT_EQ(catalog_->Adopt(std::move(*read)).code(), Status::Code::kBusy);
  EXPECT_EQ(Ids(*catalog_), (std::vector<std::string>{"acme/terms-of-service"}));
  auto again = catalog_->Read(catalog_->generation());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(catalog_->Adopt(std::move(*again)).ok());
  EXPECT_EQ(Ids(*catalog_), (std::vector<std::string>{"acme/terms-of-service"}));
}

TEST_F(TargetCatalogTest, AReadThatFailsKeepsTheRunningSet) {
  WriteBundled("acme", "Terms of Service");
  ASSERT_TRUE(catalog_->Load().ok());
  std::ofstream(bundled_dir() / "broken.toml") << "[[documents]]\ntype = 5\n";
  auto read = catalog_->Read(catalog_->generation());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("broken.toml:"), std::string::npos)
      << read.status().ToString();
  EXPECT_EQ(Ids(*catalog_), (std::vector<std::string>{"acme/terms-of-service"}));
}

}  // namespace
}  // namespace policyd
