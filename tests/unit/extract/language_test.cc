#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

TEST(LanguageTest, PolicyTextsGetTheirLanguage) {
  EXPECT_EQ(DetectTextLanguage("# Privacy Policy\n\nWe collect the information you give us when "
                               "you create an account, and we keep it only as long as we need "
                               "it to provide the service.\n"),
            "en");
  EXPECT_EQ(DetectTextLanguage("# Politique de confidentialité\n\nNous collectons les "
                               "informations que vous nous donnez lorsque vous créez un compte, "
                               "et nous ne les conservons que le temps nécessaire.\n"),
            "fr");
  EXPECT_EQ(DetectTextLanguage("# Datenschutzerklärung\n\nWir erheben die Daten, die Sie uns bei "
                               "der Registrierung mitteilen, und speichern sie nur so lange, wie "
                               "es für den Dienst erforderlich ist.\n"),
            "de");
}

TEST(LanguageTest, TooLittleOrNoTextIsUnknown) {
  EXPECT_EQ(DetectTextLanguage(""), "");
  EXPECT_EQ(DetectTextLanguage("42\n"), "");
}

TEST(LanguageTest, InvalidUtf8AndHugeTextsAreSafe) {
  EXPECT_EQ(DetectTextLanguage(std::string("\xff\xfe\xfd", 3)), "");
  std::string huge;
  while (huge.size() < (3u << 20)) huge += "We never sell your personal data to anyone. ";
  EXPECT_EQ(DetectTextLanguage(huge), "en");
}

}  // namespace
}  // namespace policyd
