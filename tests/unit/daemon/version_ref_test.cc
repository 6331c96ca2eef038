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

// What `diff x 5`, `offsets x` or `segments x abc` say when there is no such version: an index
// out of range used to be "use an index", and a missing default "no version ''".
TEST(NoSuchVersion, SaysHowManyVersionsThereAre) {
  const auto message = [](const std::string& ref, std::size_t versions) {
    return NoSuchVersion("acme/privacy-policy", ref, versions)["error"]["message"]
        .get<std::string>();
  };
  EXPECT_EQ(message("5", 2),
            "no version 5 of 'acme/privacy-policy': it has 2 versions (1 to 2, or -1 to -2)");
  EXPECT_EQ(message("-3", 1),
            "no version -3 of 'acme/privacy-policy': it has 1 version (1 to 1, or -1 to -1)");
  EXPECT_EQ(message("", 1), "'acme/privacy-policy' has only 1 version");
  EXPECT_EQ(message("", 0), "no versions of 'acme/privacy-policy'");
  EXPECT_EQ(message("abcdef12", 2),
            "no version 'abcdef12' of 'acme/privacy-policy' (use an index, 1 to 2 or -1 to -2, "
            "or a hash prefix of 6+ hex digits that only one text has)");
  EXPECT_EQ(NoSuchVersion("acme/privacy-policy", "9", 2)["error"]["code"], "not_found");
}

}  // namespace
}  // namespace policyd
