// The daemon's compact document table (issue 19 item 4): documents by handle and by id, in id
// order, synced with the catalog's effective set.
#include "document_table.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace policyd {
namespace {

using SharedSpec = DocumentTable::SharedSpec;

SharedSpec Spec(const std::string& id, bool ignore_robots = false) {
  auto spec = std::make_shared<DocumentSpec>();
  spec->id = id;
  spec->ignore_robots = ignore_robots;
  return spec;
}

std::vector<std::string> Ids(const DocumentTable& table) {
  std::vector<std::string> ids;
  for (const auto& doc : table) ids.push_back(doc.spec->id);
  return ids;
}

class DocumentTableTest : public ::testing::Test {
 protected:
  // Syncs with `wanted`, noting what the callbacks saw.
  void Sync(const std::vector<SharedSpec>& wanted) {
    removed_.clear();
    added_.clear();
    updated_.clear();
    table_.Sync(
        wanted, [this](DocumentTable::Document& doc) { removed_.push_back(doc.spec->id); },
        [this](DocumentTable::Document& doc, const DocumentSpec* previous) {
          (previous == nullptr ? added_ : updated_).push_back(doc.spec->id);
        });
  }

  DocumentTable table_;
  std::vector<std::string> removed_;
  std::vector<std::string> added_;
  std::vector<std::string> updated_;
};

TEST_F(DocumentTableTest, TheFirstSyncGivesHandlesInIdOrder) {
  Sync({Spec("a/one"), Spec("b/two"), Spec("c/three")});
  EXPECT_EQ(added_, (std::vector<std::string>{"a/one", "b/two", "c/three"}));
  EXPECT_TRUE(updated_.empty());
  ASSERT_EQ(table_.size(), 3u);
  EXPECT_EQ(Ids(table_), (std::vector<std::string>{"a/one", "b/two", "c/three"}));
  for (const std::string id : {"a/one", "b/two", "c/three"}) {
    const DocumentTable::Document* doc = table_.Find(id);
    ASSERT_NE(doc, nullptr) << id;
    EXPECT_EQ(doc->spec->id, id);
    EXPECT_EQ(&table_.at(doc->handle), doc);
  }
  EXPECT_EQ(table_.Find("a/one")->handle, 0u);
  EXPECT_EQ(table_.Find("c/three")->handle, 2u);
  EXPECT_EQ(table_.Find("b"), nullptr);
  EXPECT_EQ(table_.Find("b/two/"), nullptr);
  EXPECT_EQ(table_.Find(""), nullptr);
  EXPECT_FALSE(table_.Contains("z/last"));
}

TEST_F(DocumentTableTest, KeptDocumentsKeepHandleAndStateAndGetTheNewSpec) {
  Sync({Spec("a/one"), Spec("b/two")});
  DocumentTable::Document* two = table_.Find("b/two");
  DocState state;
  state.version_count = 7;
  two->SetState(state);
  two->checked_since_start = true;
  const DocHandle handle = two->handle;
  const SharedSpec fresh = Spec("b/two", /*ignore_robots=*/true);

  const DocumentSpec* previous_seen = nullptr;
  table_.Sync(
      {Spec("a/one"), fresh}, [](DocumentTable::Document&) { FAIL() << "nothing is removed"; },
      [&](DocumentTable::Document& doc, const DocumentSpec* previous) {
        if (doc.spec->id != "b/two") return;
        previous_seen = previous;
        // The previous spec is still alive during the call: the daemon compares with it.
        ASSERT_NE(previous, nullptr);
        EXPECT_FALSE(previous->ignore_robots);
      });
  EXPECT_NE(previous_seen, nullptr);
  two = table_.Find("b/two");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->handle, handle);
  EXPECT_EQ(two->spec, fresh);
  EXPECT_EQ(two->state().version_count, 7u);
  EXPECT_TRUE(two->checked_since_start);
}

TEST_F(DocumentTableTest, RemovedDocumentsGoInIdOrderAndTheirHandlesAreReused) {
  Sync({Spec("a/one"), Spec("b/two"), Spec("c/three"), Spec("d/four")});
  const DocHandle two = table_.Find("b/two")->handle;
  const DocHandle four = table_.Find("d/four")->handle;
  DocState state;
  state.version_count = 3;
  table_.Find("b/two")->SetState(state);

  Sync({Spec("a/one"), Spec("aa/new"), Spec("c/three"), Spec("e/new")});
  EXPECT_EQ(removed_, (std::vector<std::string>{"b/two", "d/four"}));
  EXPECT_EQ(added_, (std::vector<std::string>{"aa/new", "e/new"}));
  EXPECT_EQ(updated_, (std::vector<std::string>{"a/one", "c/three"}));
  EXPECT_EQ(Ids(table_), (std::vector<std::string>{"a/one", "aa/new", "c/three", "e/new"}));
  EXPECT_EQ(table_.Find("b/two"), nullptr);
  // The freed slots are taken by the new documents, with nothing of the old ones.
  std::map<DocHandle, std::string> by_handle;
  for (const auto& doc : table_) by_handle[doc.handle] = doc.spec->id;
  EXPECT_EQ(by_handle.size(), 4u);
  EXPECT_EQ(by_handle.count(two) + by_handle.count(four), 2u);
  EXPECT_EQ(table_.at(two).state().version_count, 0u);
  EXPECT_FALSE(table_.at(two).checked_since_start);
  EXPECT_LT(std::max(two, four), 4u);  // no new slot was needed
}

TEST_F(DocumentTableTest, ANewDocumentHasTheDefaultStateUntilOneIsSet) {
  Sync({Spec("a/one")});
  DocumentTable::Document* doc = table_.Find("a/one");
  EXPECT_EQ(doc->state().version_count, 0u);
  EXPECT_EQ(doc->state().next_due_ms, 0);
  EXPECT_TRUE(doc->state().last_text_hash.empty());
  DocState state;
  state.last_text_hash = "abc";
  state.consecutive_failures = 2;
  doc->SetState(state);
  EXPECT_EQ(doc->state().last_text_hash, "abc");
  EXPECT_EQ(doc->state().consecutive_failures, 2);
  // Another document's default state is still the default.
  Sync({Spec("a/one"), Spec("b/two")});
  EXPECT_TRUE(table_.Find("b/two")->state().last_text_hash.empty());
  EXPECT_EQ(table_.Find("a/one")->state().consecutive_failures, 2);
}

TEST_F(DocumentTableTest, AbsentNamesTheDocumentsASyncWouldAdd) {
  Sync({Spec("b/two"), Spec("d/four")});
  const std::vector<SharedSpec> wanted = {Spec("a/one"), Spec("b/two"), Spec("c/three"),
                                          Spec("d/four"), Spec("e/five")};
  EXPECT_EQ(table_.Absent(wanted), (std::vector<std::size_t>{0, 2, 4}));
  EXPECT_EQ(table_.Absent({}), std::vector<std::size_t>{});
  Sync(wanted);
  EXPECT_EQ(added_, (std::vector<std::string>{"a/one", "c/three", "e/five"}));
  EXPECT_TRUE(table_.Absent(wanted).empty());
}

TEST_F(DocumentTableTest, SyncWithNothingEmptiesTheTable) {
  Sync({Spec("a/one"), Spec("b/two")});
  Sync({});
  EXPECT_EQ(removed_, (std::vector<std::string>{"a/one", "b/two"}));
  EXPECT_TRUE(table_.empty());
  EXPECT_EQ(table_.begin(), table_.end());
  EXPECT_EQ(table_.Find("a/one"), nullptr);
  Sync({Spec("c/three")});
  EXPECT_EQ(Ids(table_), std::vector<std::string>{"c/three"});
}

// The daemon frees a reload's old specs on its worker pool: the table hands over exactly the
// specs it let go of (removed or replaced), alive, and keeps no reference to them.
TEST_F(DocumentTableTest, SyncHandsOverTheSpecsItLetsGoOf) {
  const SharedSpec one = Spec("a/one");
  const SharedSpec two = Spec("b/two");
  const SharedSpec three = Spec("c/three");
  Sync({one, two, three});
  const SharedSpec two_edited = Spec("b/two", /*ignore_robots=*/true);
  std::vector<SharedSpec> retired;
  table_.Sync(
      {one, two_edited}, [](DocumentTable::Document&) {},
      [](DocumentTable::Document&, const DocumentSpec*) {}, &retired);
  // c/three removed (first pass), b/two replaced; a/one is the same spec: not handed over.
  ASSERT_EQ(retired.size(), 2u);
  EXPECT_EQ(retired[0], three);
  EXPECT_EQ(retired[1], two);
  EXPECT_EQ(three.use_count(), 2);  // this test's and `retired`'s: the table holds none
  EXPECT_EQ(two.use_count(), 2);
  EXPECT_EQ(table_.Find("b/two")->spec, two_edited);
  EXPECT_EQ(Ids(table_), (std::vector<std::string>{"a/one", "b/two"}));
}

TEST_F(DocumentTableTest, SyncKeepsEachDocumentsHandleWhenIdsShareLongPrefixes) {
  // Ids that differ only at their end and by length: the merge compares each pair once.
  Sync({Spec("platform-00001/terms-of-service-1"), Spec("platform-00001/terms-of-service-10"),
        Spec("platform-00001/terms-of-service-2")});
  const DocHandle ten = table_.Find("platform-00001/terms-of-service-10")->handle;
  Sync({Spec("platform-00001/terms-of-service-1"), Spec("platform-00001/terms-of-service-10"),
        Spec("platform-00001/terms-of-service-100"), Spec("platform-00001/terms-of-service-2")});
  EXPECT_EQ(added_, std::vector<std::string>{"platform-00001/terms-of-service-100"});
  EXPECT_TRUE(removed_.empty());
  EXPECT_EQ(table_.Find("platform-00001/terms-of-service-10")->handle, ten);
  Sync({Spec("platform-00001/terms-of-service-10"), Spec("platform-00001/terms-of-service-2")});
  EXPECT_EQ(removed_, (std::vector<std::string>{"platform-00001/terms-of-service-1",
                                                "platform-00001/terms-of-service-100"}));
  EXPECT_EQ(table_.Find("platform-00001/terms-of-service-10")->handle, ten);
}

// A run-time add or remove changes one document: Insert and Erase leave the table as a Sync
// with that document more or less would, and touch no other document.
TEST_F(DocumentTableTest, InsertAndEraseChangeOneDocumentAsASyncWould) {
  Sync({Spec("a/one"), Spec("c/three"), Spec("d/four")});
  DocState state;
  state.version_count = 5;
  table_.Find("c/three")->SetState(state);
  table_.Find("c/three")->checked_since_start = true;
  const DocHandle three = table_.Find("c/three")->handle;

  const SharedSpec two = Spec("b/two");
  DocumentTable::Document& inserted = table_.Insert(two);
  EXPECT_EQ(inserted.spec, two);
  EXPECT_EQ(inserted.handle, 3u);  // no slot was free: a new one
  EXPECT_EQ(inserted.state().version_count, 0u);
  EXPECT_FALSE(inserted.checked_since_start);
  EXPECT_EQ(Ids(table_), (std::vector<std::string>{"a/one", "b/two", "c/three", "d/four"}));
  EXPECT_EQ(table_.Find("b/two"), &table_.at(3));
  EXPECT_EQ(table_.Find("c/three")->handle, three);
  EXPECT_EQ(table_.Find("c/three")->state().version_count, 5u);

  // Erase hands back the spec and frees the slot, which the next Insert takes.
  const SharedSpec erased = table_.Erase("c/three");
  ASSERT_NE(erased, nullptr);
  EXPECT_EQ(erased->id, "c/three");
  EXPECT_EQ(table_.Find("c/three"), nullptr);
  EXPECT_EQ(Ids(table_), (std::vector<std::string>{"a/one", "b/two", "d/four"}));
  EXPECT_EQ(table_.Erase("c/three"), nullptr);  // gone: nothing changes
  EXPECT_EQ(table_.Erase("c"), nullptr);
  EXPECT_EQ(table_.size(), 3u);
  DocumentTable::Document& again = table_.Insert(Spec("c/three"));
  EXPECT_EQ(again.handle, three);
  EXPECT_EQ(again.state().version_count, 0u);  // nothing of the erased document
  EXPECT_FALSE(again.checked_since_start);

  // At both ends, and the Sync after them sees them as its own.
  table_.Insert(Spec("0/first"));
  table_.Insert(Spec("z/last"));
  EXPECT_EQ(Ids(table_),
            (std::vector<std::string>{"0/first", "a/one", "b/two", "c/three", "d/four", "z/last"}));
  Sync({Spec("0/first"), Spec("a/one"), Spec("b/two"), Spec("c/three"), Spec("d/four"),
        Spec("z/last")});
  EXPECT_TRUE(added_.empty());
  EXPECT_TRUE(removed_.empty());
  EXPECT_EQ(table_.Find("b/two")->handle, 3u);
}

}  // namespace
}  // namespace policyd
