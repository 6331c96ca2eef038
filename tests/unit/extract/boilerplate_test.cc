// Automatic main-content choice and boilerplate removal.
#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

std::string Extract(const std::string& html) {
  ExtractResult result;
  const Status status = ExtractText(html, {}, &result);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return result.text;
}

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// A paragraph long enough to count as real content.
const std::string kProse =
    "We process your personal data only where the law allows it, for the purposes described "
    "in this policy, and we keep it no longer than necessary for those purposes.";

TEST(BoilerplateTest, NonTextElementsAreDropped) {
  const std::string text = Extract(
      "<html><head><title>Title | Site</title><style>p{color:red}</style></head><body>"
      "<script>var csrf='abc123';</script><noscript>Enable JavaScript</noscript>"
      "<template><p>Template</p></template><svg><text>Svg text</text></svg>"
      "<iframe src=x>Frame</iframe><canvas>Canvas</canvas><object>Object</object>"
      "<form><label>Email</label><input value=Input><select><option>Option</option></select>"
      "<textarea>Textarea</textarea><button>Submit</button></form>"
      "<p>Policy text.</p><dialog>Dialog</dialog><video>Video fallback</video></body></html>");
  EXPECT_EQ(text, "Email\n\nPolicy text.\n");
}

TEST(BoilerplateTest, PageChromeIsDropped) {
  const std::string text = Extract(
      "<body><header><a href=/>Logo</a><nav><a href=/a>Products</a><a href=/b>Pricing</a></nav>"
      "</header><div class=breadcrumbs><a href=/>Home</a> / Legal</div>"
      "<a class=skip-link href=#c>Skip to content</a>"
      "<div role=navigation><a href=/x>Menu item</a></div>"
      "<aside><a href=/r>Related</a> reading</aside>"
      "<div id=c><h1>Privacy Policy</h1><p>" +
      kProse +
      "</p></div>"
      "<footer><p>&copy; 2024 Example</p><a href=/imprint>Imprint</a></footer>"
      "<div role=contentinfo>Site info</div></body>");
  EXPECT_EQ(text, "# Privacy Policy\n\n" + kProse + "\n");
}

TEST(BoilerplateTest, HeaderInsideArticleOrMainIsContent) {
  const std::string text = Extract(
      "<body><header>Site header</header><main><article><header class=privacy-header>"
      "<h1 class=privacy-header-title>Privacy Policy</h1><p>Last updated: 1 March 2024</p>"
      "</header><p>" +
      kProse + "</p><footer>Version 3</footer></article></main></body>");
  EXPECT_EQ(text,
            "# Privacy Policy\n\nLast updated: 1 March 2024\n\n" + kProse + "\n\nVersion 3\n");
}

TEST(BoilerplateTest, HintWordsInsideContentDoNotKillSections) {
  // Legal pages name real sections like their boilerplate: slug ids, "privacy-header-title".
  const std::string text = Extract(
      "<body><div class=page><div class=privacy-header-title>Privacy Policy</div>"
      "<section id=sharing-your-information><h2>Sharing</h2><p>" +
      kProse +
      "</p></section>"
      "<section id=cookies class=cookies-section><h2>Cookies</h2><p>" +
      kProse +
      "</p></section>"
      "<section id=social-media><h2>Social media</h2><p>" +
      kProse +
      "</p></section>"
      "<section id=consent><h2>Consent</h2><p>You may withdraw consent.</p></section>"
      "<section id=navigation-data><h3>Navigation data</h3><p>We log your IP.</p></section>"
      "<div id=newsletter><p>We send a newsletter if you subscribe.</p></div>"
      "<div id=cookie-banner-settings><p>Cookie settings are in your account.</p></div>"
      "</div></body>");
  EXPECT_TRUE(Has(text, "Privacy Policy\n")) << text;
  EXPECT_TRUE(Has(text, "## Sharing\n")) << text;
  EXPECT_TRUE(Has(text, "## Cookies\n")) << text;
  EXPECT_TRUE(Has(text, "## Social media\n")) << text;
  EXPECT_TRUE(Has(text, "You may withdraw consent.")) << text;
  EXPECT_TRUE(Has(text, "### Navigation data\n\nWe log your IP.")) << text;
  EXPECT_TRUE(Has(text, "We send a newsletter if you subscribe.")) << text;
  EXPECT_TRUE(Has(text, "Cookie settings are in your account.")) << text;
}

TEST(BoilerplateTest, ConsentBannersAreDropped) {
  const std::string text = Extract(
      "<body><div id=cookie-banner class=cookieBanner><p>We use cookies to improve your "
      "experience.</p><button>Accept all</button><button>Reject</button></div>"
      "<div id=onetrust-consent-sdk><div class=ot-pc><h2>Privacy Preference Center</h2>"
      "<p>" +
      kProse +
      "</p></div></div>"
      "<div class=gdpr-consent-modal hidden><p>Consent settings</p></div>"
      "<cookie-consent-banner>Cookies! <a href=#>OK</a></cookie-consent-banner>"
      "<main><h1>Terms</h1><p>" +
      kProse + "</p></main></body>");
  EXPECT_EQ(text, "# Terms\n\n" + kProse + "\n");
}

// Consent platforms also write the policy itself (Complianz's cmplz-document, Cookiebot's
// declaration, iubenda's embedded policy): inside the page's content, their container is
// the document unless it is a banner (buttons, hidden, or a sentence or two).
TEST(BoilerplateTest, AConsentVendorsPolicyInTheContentIsKept) {
  const std::string policy = "<h2>1. Introduction</h2><p>" + kProse +
                             "</p><h2>2. Statistics</h2><p>We keep " +
                             "statistics for 14 months.</p>";
  const std::string text = Extract(
      "<body><main><article><h1>Cookie Policy (UK)</h1><div id=cmplz-document "
      "class='cmplz-document cookie-statement'>" +
      policy +
      "</div><div class=cmplz-cookiebanner><p>We use cookies.</p><button>Accept</button>"
      "</div><div class=cmplz-soft-cookiewall hidden><p>" +
      kProse + "</p></div></article></main></body>");
  EXPECT_EQ(text, "# Cookie Policy (UK)\n\n## 1. Introduction\n\n" + kProse +
                      "\n\n## 2. Statistics\n\nWe keep statistics for 14 months.\n");
}

// The vendor's element named as a document (cmplz-document, iubenda_legal_document, Cookiebot's
// declaration) is the policy wherever it sits, page builders' canvas templates having no
// main/article, and with the "Manage consent" button Complianz puts in it. A banner or a
// preference centre beside it still goes.
TEST(BoilerplateTest, AConsentVendorsNamedDocumentIsKeptOutsideTheContentAndWithAButton) {
  const std::string policy =
      "<h3>1. Introduction</h3><p>Our website uses cookies to show you "
      "advertising from 300 partners.</p>";
  EXPECT_EQ(Extract("<body><div id=content><h1>Cookie Policy (EU)</h1><p>" + kProse +
                    "</p><div id=cmplz-document class='cmplz-document cookie-statement'>" + policy +
                    "</div></div><div class=cmplz-cookiebanner><p>We use cookies.</p>"
                    "<button>Accept</button></div></body>"),
            "# Cookie Policy (EU)\n\n" + kProse +
                "\n\n### 1. Introduction\n\nOur website uses cookies to show you advertising "
                "from 300 partners.\n");
  EXPECT_EQ(Extract("<body><main><h1>Cookie Policy</h1><div class=iubenda_legal_document>" +
                    policy + "<p>" + kProse +
                    "</p><button class=cmplz-show-banner>Manage consent</button></div>"
                    "<div class='iubenda-cs-preferences-link'><button>Preferences</button>"
                    "</div></main></body>"),
            "# Cookie Policy\n\n### 1. Introduction\n\nOur website uses cookies to show you "
            "advertising from 300 partners.\n\n" +
                kProse + "\n");  // the button's label is no text of the policy
}

// A section of the document named "cookie notice", "CCPA notice" or "GDPR notice", with its
// own heading and paragraphs and the consent platform's settings button in it (OneTrust asks
// its customers to embed one in the cookie policy), is policy text, not a banner.
TEST(BoilerplateTest, ANoticeSectionWithASettingsButtonIsKept) {
  const std::string notice =
      "<h2>Analytics cookies</h2><p>We keep analytics cookies for 13 "
      "months.</p><p>" +
      kProse + "</p><p>" + kProse +
      "</p><p>To change your choices: <button "
      "class=ot-sdk-show-settings>Cookie Settings</button></p>";
  EXPECT_EQ(Extract("<body><main><h1>Privacy Policy</h1><p>" + kProse +
                    "</p><section class=cookie-notice>" + notice +
                    "</section><section class=ccpa-notice><h2>Your California rights</h2><p>" +
                    kProse + "</p><p>" + kProse +
                    "</p><a role=button href=#>Do Not Sell or Share</a></section></main></body>"),
            "# Privacy Policy\n\n" + kProse +
                "\n\n## Analytics cookies\n\nWe keep analytics cookies for 13 months.\n\n" +
                kProse + "\n\n" + kProse +
                "\n\nTo change your choices:\n\n## Your California "
                "rights\n\n" +
                kProse + "\n\n" + kProse + "\n\nDo Not Sell or Share\n");
  // A whole page that is the notice.
  EXPECT_TRUE(Has(Extract("<body><main><div class=cookie-notice><h1>Cookie Notice</h1>" + notice +
                          "</div></main></body>"),
                  "We keep analytics cookies for 13 months."));
  // A banner with a title, its text and its buttons still goes, in the content too.
  EXPECT_EQ(Extract("<body><main><h1>Privacy Policy</h1><p>" + kProse +
                    "</p><div class=cookie-notice><h2>We value your privacy</h2><p>" + kProse +
                    "</p><p>" + kProse +
                    "</p><button>Accept all</button><button>Reject all</button>"
                    "<button>Settings</button></div></main></body>"),
            "# Privacy Policy\n\n" + kProse + "\n");
}

// CSS-in-JS libraries (styled-components, emotion, CSS modules) name elements with hashes that
// change at every deploy: "bPopQx", "xCkyQz", "adMUmR" hold the words "pop", "cky" and "ad" only
// by chance, and must not make a policy's paragraphs (or the whole policy) look like a popup,
// a consent vendor's widget or an advert.
TEST(BoilerplateTest, GeneratedClassHashesHoldNoHintWords) {
  const auto page = [](const std::string& wrapper_hash, const std::string& paragraph_hash) {
    return "<body><div class='Layout-sc-9f8e7d-0 " + wrapper_hash +
           "'><h1>Privacy Policy</h1><p class='Text-sc-1x2y3z-0 " + paragraph_hash +
           "'>We keep your messages for 30 days after you delete your account.</p><p "
           "class='Text-sc-1x2y3z-0 " +
           paragraph_hash + "'>" + kProse + "</p><p class='styles_note__3kP1x'>" + kProse +
           "</p></div></body>";
  };
  const std::string expected =
      "# Privacy Policy\n\nWe keep your messages for 30 days after you "
      "delete your account.\n\n" +
      kProse + "\n\n" + kProse + "\n";
  EXPECT_EQ(Extract(page("kLmNoP", "kucClE")), expected);
  EXPECT_EQ(Extract(page("kLmNoP", "bPopQx")), expected);
  EXPECT_EQ(Extract(page("kLmNoP", "bNavQx")), expected);
  EXPECT_EQ(Extract(page("kLmNoP", "adMUmR")), expected);
  EXPECT_EQ(Extract(page("xCkyQz", "kucClE")), expected);
  // Names that are words still count: a real popup is dropped.
  EXPECT_EQ(Extract("<body><main><h1>Terms</h1><p>" + kProse +
                    "</p><div class=newsletterPopup><p>Subscribe to our newsletter.</p>"
                    "<button>Subscribe</button></div></main></body>"),
            "# Terms\n\n" + kProse + "\n");
}

// Custom consent banners often make their buttons links to nowhere (href="#" or a javascript:
// URL). With the vendor list's partner count in its text ("We and our 842 partners"), such a
// banner, kept, changed the hash whenever the count did.
TEST(BoilerplateTest, ALinkButtonedConsentBannerIsDropped) {
  // Over 300 bytes without spaces: more than the "sentence or two" a consent class alone
  // condemns.
  const std::string tcf =
      "We and our 842 partners store and/or access information on a device, such as unique "
      "identifiers in cookies, to process personal data. You may accept or manage your choices "
      "by clicking below, including your right to object where legitimate interest is used, "
      "or at any time in the privacy policy page. These choices will be signalled to our "
      "partners and will not affect browsing data.";
  // A page without main or article: the banner sits beside the policy's block.
  EXPECT_EQ(
      Extract("<html><head><title>Privacy Policy</title></head><body><div class=cookie-banner><p>" +
              tcf +
              "</p><a href=#>Accept</a> <a href='javascript:void(0)'>More options</a>"
              "</div><div><h1>Privacy Policy</h1><p>We collect your email address to run "
              "the service.</p></div></body>"),
      "# Privacy Policy\n\nWe collect your email address to run the service.\n");
  // A policy's own links to nowhere are still its text.
  EXPECT_EQ(Extract("<body><main><h1>Privacy Policy</h1><p>" + kProse +
                    " <a href=#>Back to top</a></p></main></body>"),
            "# Privacy Policy\n\n" + kProse + " Back to top\n");
}

// An ad slot's label ("Advertisement", "Anzeige") is the only text of the slot until its ad
// loads: slots that come and go changed the text.
TEST(BoilerplateTest, AdSlotLabelsAreDropped) {
  EXPECT_EQ(Extract("<body><main><h1>Privacy Policy</h1><p>" + kProse +
                    "</p><div class=ad-slot id=div-gpt-ad-1><span "
                    "class=ad-label>Advertisement</span></div><p>We keep logs for 30 days.</p>"
                    "<div class=gpt-slot><div><span>Anzeige</span></div></div></main></body>"),
            "# Privacy Policy\n\n" + kProse + "\n\nWe keep logs for 30 days.\n");
  // The word as the policy's own text, or a section heading, stays.
  EXPECT_EQ(Extract("<body><main><h1>Privacy Policy</h1><p>" + kProse +
                    "</p><h2>Advertisement</h2><p><b>Advertising</b></p></main></body>"),
            "# Privacy Policy\n\n" + kProse + "\n\n## Advertisement\n\nAdvertising\n");
}

TEST(BoilerplateTest, SharingWidgetsAndPopupsAreDropped) {
  const std::string text =
      Extract("<body><main><h1>Terms</h1><p>" + kProse +
              "</p>"
              "<div class=social-share><a href=/fb>Facebook</a> <a href=/tw>Twitter</a></div>"
              "<div class=newsletter-signup hidden><p>Get our newsletter</p></div>"
              "<div class=modal><h1>Forgot password</h1><p>Enter your email.</p></div>"
              "<div role=dialog><p>Are you sure?</p></div>"
              "</main></body>");
  EXPECT_EQ(text, "# Terms\n\n" + kProse + "\n");
}

TEST(BoilerplateTest, TickersAndCarouselsAreDroppedShadowRootsKept) {
  const std::string text = Extract(
      "<body><main><h1>Terms</h1><div role=marquee>Breaking news</div>"
      "<div class=hero-carousel><button>Next</button><p>Slide one of three</p></div>"
      "<marquee>Scrolling</marquee><template><p>Inert template</p></template>"
      "<policy-text><template shadowrootmode=open><p>Shadow DOM text.</p></template>"
      "</policy-text></main></body>");
  EXPECT_EQ(text, "# Terms\n\nShadow DOM text.\n");
}

TEST(BoilerplateTest, ScreenReaderOnlyPhrasesAreDropped) {
  EXPECT_EQ(Extract("<body><p>See our <a href=/c>Cookie Policy<span class=sr-only> (opens in "
                    "new window)</span></a>.<span class=a11y-visually-hidden>External</span></p>"
                    "<h2 class=screen-reader-text>Real heading</h2></body>"),
            "See our Cookie Policy.\n\n## Real heading\n");
}

TEST(BoilerplateTest, HiddenPolicyContentIsKept) {
  // Collapsed accordions and inactive tabs hide real sections.
  const std::string text = Extract(
      "<body><main><h1>Policy</h1>"
      "<div role=tabpanel hidden><p>Tab two text.</p></div>"
      "<div class=accordion-body aria-hidden=true><p>Accordion text.</p></div>"
      "<div style='display: none'><p>Collapsed text.</p></div>"
      "<div class=dropdown-menu style='display:none'><a href=/a>Menu link</a></div>"
      "</main></body>");
  EXPECT_EQ(text, "# Policy\n\nTab two text.\n\nAccordion text.\n\nCollapsed text.\n");
}

// Legal pages derive ids from their section titles ("sharing-your-information"): such an id
// alone never condemns a collapsed panel, nor a section named after its own heading (a list
// of opt-out links is link-dense). Class names, link rows without such a heading and hidden
// widgets with controls still do.
TEST(BoilerplateTest, SectionsNamedOnlyByTheirTitlesAreKept) {
  const auto panel = [](const std::string& id, const std::string& title, const std::string& body) {
    return "<h3><button aria-expanded=false aria-controls=" + id + ">" + title +
           "</button></h3><div id=" + id + " hidden><p>" + body + "</p></div>";
  };
  const std::string accordion = Extract(
      "<body><div class=container><h1>Privacy Policy</h1><p>" + kProse + "</p>" +
      panel("sharing-your-information", "Sharing", "We share your address with couriers.") +
      panel("interest-based-ads", "Ads", "Partners show ads unless you opt out.") +
      panel("social-media", "Social media", "A social login gives us your public profile.") +
      panel("newsletter", "Newsletter", "We send one email a week if you subscribe.") +
      panel("copyright", "Copyright", "Report infringement to legal@example.org.") +
      panel("site-navigation-data", "Navigation data", "We record the pages you view.") +
      "<div role=tabpanel id=tabpanel-information-sharing hidden><p>Do we share your "
      "information? Only with the partners listed below.</p></div></div></body>");
  for (const char* sentence :
       {"We share your address with couriers.", "Partners show ads unless you opt out.",
        "A social login gives us your public profile.",
        "We send one email a week if you subscribe.", "Report infringement to legal@example.org.",
        "We record the pages you view.", "Only with the partners listed below."}) {
    EXPECT_TRUE(Has(accordion, sentence)) << sentence << "\n" << accordion;
  }
  const std::string sections = Extract(
      "<body><main><h1>Privacy Policy</h1><p>" + kProse +
      "</p><section id=interest-based-ads><h2>Interest-based ads</h2><p>To opt out, visit:</p>"
      "<ul><li><a href=https://optout.example/nai>Network Advertising Initiative opt-out</a></li>"
      "<li><a href=https://optout.example/daa>Digital Advertising Alliance opt-out</a></li></ul>"
      "</section><section id=how-we-share-information><h2>How we share information</h2><ul>"
      "<li><a href=/processors>Our payment processors</a></li><li><a href=/couriers>Our "
      "delivery partners</a></li></ul></section>"
      "<div id=sidebar><h3>Product categories</h3><ul><li><a href=/c/a>Speakers</a></li>"
      "<li><a href=/c/b>Headphones</a></li></ul></div></main></body>");
  EXPECT_TRUE(Has(sections, "## Interest-based ads\n\nTo opt out, visit:")) << sections;
  EXPECT_TRUE(Has(sections, "Digital Advertising Alliance opt-out")) << sections;
  EXPECT_TRUE(Has(sections, "## How we share information\n\n- Our payment processors")) << sections;
  EXPECT_FALSE(Has(sections, "Product categories")) << sections;  // named as a widget

  const std::string widgets =
      Extract("<body><main><h1>Terms</h1><p>" + kProse +
              "</p><div id=share-buttons><a href=/fb>Facebook</a> <a href=/tw>Twitter</a></div>"
              "<div id=mobile-menu hidden><a href=/a>Products</a> <a href=/b>Pricing</a></div>"
              "<div id=newsletter-signup hidden><p>Get our newsletter every week</p><input "
              "type=email><button>Subscribe</button></div>"
              "<div class=social-share hidden><p>Share this page with your friends</p></div>"
              "</main></body>");
  EXPECT_EQ(widgets, "# Terms\n\n" + kProse + "\n");
}

// jQuery UI, Bootstrap 3 and Elementor accordions put role=tablist on the container of the
// section titles and their panels: that is the policy, not a row of tabs.
TEST(BoilerplateTest, AnAccordionMarkedAsATablistIsContent) {
  const std::string accordion =
      Extract("<body><main><h1>Privacy Policy</h1><p>" + kProse +
              "</p><div class=ui-accordion role=tablist>"
              "<h3 role=tab aria-expanded=true>What we collect</h3>"
              "<div role=tabpanel><p>We collect your name and email address.</p></div>"
              "<h3 role=tab aria-expanded=false>Who we share it with</h3>"
              "<div role=tabpanel aria-hidden=true style='display: none'><p>We share your address "
              "with delivery partners only.</p></div></div></main></body>");
  EXPECT_EQ(accordion, "# Privacy Policy\n\n" + kProse +
                           "\n\n### What we collect\n\nWe collect your name and email address."
                           "\n\n### Who we share it with\n\nWe share your address with "
                           "delivery partners only.\n");
  // A real row of tabs (the panels beside it) is navigation.
  const std::string tabs = Extract(
      "<body><main><h1>Privacy Policy</h1><ul role=tablist><li role=tab>Summary</li>"
      "<li role=tab>Full text</li></ul><div role=tabpanel><p>" +
      kProse + "</p></div></main></body>");
  EXPECT_EQ(tabs, "# Privacy Policy\n\n" + kProse + "\n");
}

TEST(BoilerplateTest, MainIsPreferredOverTheRestOfTheBody) {
  const std::string text = Extract(
      "<body><div class=promo>Download our app today and get 50% off!</div>"
      "<main><h1>Terms</h1><p>" +
      kProse +
      "</p></main>"
      "<div class=site-links>Careers Press Blog</div></body>");
  EXPECT_EQ(text, "# Terms\n\n" + kProse + "\n");
  // role=main counts as <main>.
  EXPECT_EQ(Extract("<body><p>Outside text</p><div role=main><p>" + kProse + "</p></div></body>"),
            kProse + "\n");
}

TEST(BoilerplateTest, MainHoldingOnlyATitleFallsBackToTheBody) {
  const std::string text =
      Extract("<body><main><h1>Privacy Policy</h1></main><div class=content><p>" + kProse +
              "</p><p>" + kProse + "</p></div></body>");
  EXPECT_EQ(text, "# Privacy Policy\n\n" + kProse + "\n\n" + kProse + "\n");
}

// A short policy in a <main> titled with its name stays the text while the chrome around it
// grows: at twice the policy's size the whole body used to be taken, store list included, and
// the page flipped between the two texts as the list grew and shrank.
TEST(BoilerplateTest, AShortPolicyInATitledMainStaysTheTextAsTheChromeAroundItGrows) {
  const std::string policy =
      "<main><h1>Cookie Policy</h1><p>" + kProse + "</p><p>" + kProse + "</p></main>";
  auto page = [&](int stores) {
    std::string chrome;
    for (int i = 0; i < stores; ++i) {
      chrome += "<div class=store><p>Our shop in town " + std::to_string(i) +
                " is open every day from nine to five, with free advice.</p></div>";
    }
    return "<head><title>Cookie Policy</title></head><body>" + policy + chrome + "</body>";
  };
  const std::string expected = "# Cookie Policy\n\n" + kProse + "\n\n" + kProse + "\n";
  for (int stores : {0, 8, 16, 24}) EXPECT_EQ(Extract(page(stores)), expected) << stores;
  // Past ten times the policy, the <main> is no longer believed.
  EXPECT_NE(Extract(page(120)), expected);
  // A <main> around the title and a short intro, with the sections outside it, keeps them.
  const std::string intro = Extract(
      "<head><title>Privacy Policy</title></head><body><main><h1>Privacy Policy</h1><p>"
      "This notice explains what we collect and why, and how to reach us.</p></main>"
      "<div class=content><h2>What we collect</h2><p>" +
      kProse + "</p><h2>Why</h2><p>" + kProse + "</p><p>" + kProse + "</p></div></body>");
  EXPECT_NE(intro.find("## What we collect"), std::string::npos) << intro;
  // A <main> whose heading names no legal document needs its third.
  const std::string news = "<main><h1>Store news</h1><p>" + kProse + "</p></main>";
  std::string stores;
  for (int i = 0; i < 16; ++i)
    stores += "<p>Our shop in town " + std::to_string(i) + " opens late.</p>";
  EXPECT_NE(Extract("<head><title>Cookie Policy</title></head><body>" + news + stores + "</body>")
                .find("opens late"),
            std::string::npos);
}

TEST(BoilerplateTest, ArticlesAreUsedWithoutMain) {
  const std::string text =
      Extract("<body><div class=promo>Rotating promo</div><article><h1>Part 1</h1><p>" + kProse +
              "</p></article><div>Between</div><article><h2>Part 2</h2><p>" + kProse +
              "</p></article></body>");
  EXPECT_EQ(text, "# Part 1\n\n" + kProse + "\n\n## Part 2\n\n" + kProse + "\n");
}

TEST(BoilerplateTest, WithoutLandmarksTheWholeBodyIsKept) {
  // No single "best block": every section of a legal page counts.
  const std::string text = Extract(
      "<body><div class=wrapper><div class=col><h2>Section A</h2><p>Short A.</p></div>"
      "<div class=col><h2>Section B</h2><p>" +
      kProse +
      "</p></div></div>"
      "<div><p>Annex text.</p></div></body>");
  EXPECT_EQ(text, "## Section A\n\nShort A.\n\n## Section B\n\n" + kProse + "\n\nAnnex text.\n");
}

TEST(BoilerplateTest, RepeatedLargeCopiesAreRenderedOnce) {
  std::string section = "<section><h2>Rights</h2>";
  for (int i = 0; i < 20; ++i) section += "<p>" + kProse + "</p>";
  section += "</section>";
  const std::string once = Extract("<body><main>" + section + "</main></body>");
  // Responsive copies, a hidden one, copies in other wrappers: all rendered once.
  EXPECT_EQ(Extract("<body><main>" + section + "<div class=mobile>" + section +
                    "</div><div hidden>" + section + "</div></main></body>"),
            once);
  EXPECT_EQ(once.find("## Rights"), once.rfind("## Rights"));
  // A copy that differs in one word is a different text and is rendered.
  std::string edited = section;
  edited.replace(edited.find("only"), 4, "also");
  const std::string both = Extract("<body><main>" + section + edited + "</main></body>");
  EXPECT_NE(both.find("## Rights"), both.rfind("## Rights"));
  // Short repeated clauses (the same right for two regions) are all kept.
  const std::string clause = "<li>" + kProse + "</li>";
  const std::string text =
      Extract("<body><h2>UK</h2><ul>" + clause + "</ul><h2>EU</h2><ul>" + clause + "</ul></body>");
  EXPECT_EQ(text, "## UK\n\n- " + kProse + "\n\n## EU\n\n- " + kProse + "\n");
}

// A copy whose text differs only in markup that shows nothing (a framework's empty comment
// splitting a text, <wbr>, a soft hyphen, an empty span) is the same copy: rendered once, or a
// re-render that adds one changes the text.
TEST(BoilerplateTest, InvisibleMarkupDoesNotMakeACopyDifferent) {
  std::string section = "<section><h2>Rights</h2><p>What do we collect?</p>";
  for (int i = 0; i < 20; ++i) section += "<p>" + kProse + "</p>";
  section += "</section>";
  const std::string once = Extract("<body><main>" + section + "</main></body>");
  for (const char* invisible : {"<!---->", "<wbr>", "&shy;", "<span></span>"}) {
    std::string copy = section;
    copy.replace(copy.find("collect?"), 0, invisible);
    EXPECT_EQ(
        Extract("<body><main>" + section + "<div class=mobile>" + copy + "</div></main></body>"),
        once)
        << invisible;
  }
}

}  // namespace
}  // namespace policyd
