// ResolveVersion: the version references policyctl users type (indexes and hash prefixes).
#include "daemon/version_ref.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace policyd {
namespace {

std::vector<VersionRecord> History(const std::vector<std::string>& hashes) {
  std::vector<VersionRecord> history;
  for (const std::string& hash : hashes) history.push_back(VersionRecord{.text_hash = hash});
  return history;
}

const std::vector<VersionRecord> kHistory = History({
    "54ac58aa0b1c2d3e4f",
    "680279732240aa00ff",  // a prefix of only decimal digits, as one hash in 16 has
    "03d46e300af1bb11cc",
    "54ac58aa0b1c2d3e4f",  // the first text again (an edit reverted)
});

TEST(ResolveVersion, IndexesFromTheOldestAndFromTheNewest) {
  EXPECT_EQ(ResolveVersion(kHistory, "1"), 0u);
  EXPECT_EQ(ResolveVersion(kHistory, "4"), 3u);
  EXPECT_EQ(ResolveVersion(kHistory, "-1"), 3u);
  EXPECT_EQ(ResolveVersion(kHistory, "-4"), 0u);
  EXPECT_FALSE(ResolveVersion(kHistory, "5"));
  EXPECT_FALSE(ResolveVersion(kHistory, "0"));
  EXPECT_FALSE(ResolveVersion(kHistory, "-5"));
  EXPECT_FALSE(ResolveVersion(kHistory, "-"));
  EXPECT_FALSE(ResolveVersion(kHistory, ""));
}

TEST(ResolveVersion, AHashPrefixOfDecimalDigitsNamesItsVersion) {
  for (const char* prefix : {"680279", "68027973", "680279732", "6802797322", "680279732240"}) {
    EXPECT_EQ(ResolveVersion(kHistory, prefix), 1u) << prefix;
  }
}

TEST(ResolveVersion, HashPrefixesAnyCase) {
  EXPECT_EQ(ResolveVersion(kHistory, "03d46e"), 2u);
  EXPECT_EQ(ResolveVersion(kHistory, "03D46E300AF1"), 2u);
  EXPECT_FALSE(ResolveVersion(kHistory, "03d46"));  // shorter than 6
  EXPECT_FALSE(ResolveVersion(kHistory, "ffffff"));
  // The same text stored twice: the newest of them.
  EXPECT_EQ(ResolveVersion(kHistory, "54ac58"), 3u);
}

TEST(ResolveVersion, APrefixOfTwoDifferentTextsNamesNone) {
  const std::vector<VersionRecord> history = History({"abcdef01", "abcdef02"});
  EXPECT_FALSE(ResolveVersion(history, "abcdef"));
  EXPECT_EQ(ResolveVersion(history, "abcdef01"), 0u);
}

}  // namespace
}  // namespace policyd
