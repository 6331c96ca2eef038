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

// The language of most of the text, not CLD2's summary pick, which prefers a second language
// over English or French: an English policy with a Chinese paragraph (the address of the
// Chinese subsidiary) was "zh", a French one quoting Portuguese law "pt".
TEST(LanguageTest, MostOfTheTextDecides) {
  const std::string english =
      "# Privacy Policy\n\nWe collect the information you give us when you create an "
      "account, and we keep it only as long as we need it to provide the service. You may ask "
      "us to delete your account at any time, and we will erase your personal data within "
      "thirty days, except where the law requires us to keep it longer. We never sell your "
      "personal data, and we share it only with the processors listed below, under contracts "
      "that oblige them to protect it as we do. If you have questions, write to our data "
      "protection officer at the address at the end of this policy.\n\n";
  EXPECT_EQ(
      DetectTextLanguage(english + "我们的中国子公司地址：北京市朝阳区建国路八十八号。如有任何"
                                   "问题，请与我们联系，我们将在三十天内答复。\n"),
      "en");
  const std::string french =
      "# Politique de confidentialité\n\nNous collectons les informations que vous nous "
      "donnez lorsque vous créez un compte, et nous ne les conservons que le temps nécessaire "
      "pour fournir le service. Vous pouvez nous demander de supprimer votre compte à tout "
      "moment, et nous effacerons vos données personnelles dans un délai de trente jours, sauf "
      "lorsque la loi nous oblige à les conserver plus longtemps. Nous ne vendons jamais vos "
      "données personnelles.\n\n";
  EXPECT_EQ(DetectTextLanguage(french + "Os dados pessoais são tratados de acordo com a Lei Geral "
                                        "de Proteção de Dados do Brasil.\n"),
            "fr");
}

// ISO 639-1 codes, as EVENTS.md promises: CLD2 still writes Hebrew "iw" and Javanese "jw".
TEST(LanguageTest, CodesAreIso6391) {
  EXPECT_EQ(DetectTextLanguage("# מדיניות פרטיות\n\nאנו אוספים את המידע שאתם מוסרים לנו כאשר אתם "
                               "יוצרים חשבון, ושומרים אותו רק כל עוד הוא נחוץ לנו כדי לספק את "
                               "השירות. לא נמכור לעולם את המידע האישי שלכם.\n"),
            "he");
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
