// False-change classes (issue 16, items 1 and 2): the same policy rendered with and without the
// widgets a site shows around it, or with other typography, must give the same text, and every
// sentence of the policy must stay.
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "policyd/extract.h"
#include "src/extract/widgets.h"

namespace policyd {
namespace {

using extract_internal::IsControlLabel;
using extract_internal::IsHelpBoxLabel;
using extract_internal::IsLeakedClassNames;
using extract_internal::IsRatingLabel;
using extract_internal::IsTableOfContentsLabel;
using extract_internal::LabelKey;

std::string Extract(std::string_view html) {
  ExtractResult result;
  EXPECT_TRUE(ExtractText(html, ExtractOptions{}, &result).ok());
  return result.text;
}

// A legal page: site header, the policy in an article container with `inside` placed after its
// first section, `after` at the end of the container, a footer.
std::string LegalPage(std::string_view inside, std::string_view after = "") {
  std::string html =
      "<!DOCTYPE html><html lang=en><head><title>Privacy Policy | Datingo</title></head><body>"
      "<header class=site-header><a href=/>Datingo</a><a href=/login>Log in</a></header>"
      "<div class=wrapper><div class=article-body>"
      "<h1>Privacy Policy</h1><p>Last updated: 2 May 2025</p>"
      "<h2 id=collect>1. What we collect</h2>"
      "<p>We collect your profile, your messages and the pictures you upload, so that other "
      "members can find you. Read more about photos in section 2.</p>";
  html.append(inside);
  html.append(
      "<h2 id=share>2. Who we share it with</h2>"
      "<p>We share data with moderators and hosting providers; see details of each provider in "
      "our list of processors.</p>"
      "<h2 id=rights>3. Your rights</h2>"
      "<p>You may ask for a copy of your data at any time by writing to privacy@datingo.example."
      "</p>");
  html.append(after);
  html.append(
      "</div></div><footer class=site-footer><a href=/terms>Terms</a></footer></body></html>");
  return html;
}

void ExpectPolicySentences(const std::string& text) {
  EXPECT_NE(text.find("## 1. What we collect"), std::string::npos) << text;
  EXPECT_NE(text.find("Read more about photos in section 2."), std::string::npos) << text;
  EXPECT_NE(text.find("see details of each provider"), std::string::npos) << text;
  EXPECT_NE(text.find("## 3. Your rights"), std::string::npos) << text;
  EXPECT_NE(text.find("Last updated: 2 May 2025"), std::string::npos) << text;
}

TEST(WidgetsTest, LabelKeysFoldCaseTypographyAndDecoration) {
  EXPECT_EQ(LabelKey("  \xC2\xBB Read\xC2\xA0MORE\xE2\x80\xA6 "), "read more");
  EXPECT_EQ(LabelKey("S\xE2\x80\x99inscrire"), "s'inscrire");
  EXPECT_EQ(LabelKey("Was this article helpful?"), "was this article helpful");
  EXPECT_TRUE(IsControlLabel(LabelKey("Voir les d\xC3\xA9tails \xE2\x96\xBE")));
  EXPECT_TRUE(IsControlLabel(LabelKey("Alle aufklappen")));
  EXPECT_FALSE(IsControlLabel(LabelKey("Read more about photos")));
  EXPECT_FALSE(IsControlLabel(LabelKey("Details")));
  EXPECT_TRUE(IsTableOfContentsLabel(LabelKey("Table des mati\xC3\xA8res")));
  EXPECT_TRUE(IsTableOfContentsLabel(LabelKey("On this page:")));
  EXPECT_TRUE(IsHelpBoxLabel(LabelKey("Related articles")));
  EXPECT_TRUE(IsHelpBoxLabel(LabelKey("Articles dans cette section")));
  EXPECT_FALSE(IsHelpBoxLabel(LabelKey("Related parties")));
  EXPECT_TRUE(IsRatingLabel(LabelKey("Cet article vous a-t-il \xC3\xA9t\xC3\xA9 utile ?")));
  EXPECT_TRUE(IsRatingLabel(LabelKey("12 out of 20 found this helpful")));
  EXPECT_TRUE(IsLeakedClassNames("slds-col, slds-size_1-of-1, cTermsBody"));
  EXPECT_FALSE(IsLeakedClassNames("name, e-mail address"));
  EXPECT_FALSE(IsLeakedClassNames("single-class"));
  EXPECT_FALSE(IsLeakedClassNames("OptanonConsent, OptanonAlertBoxClosed"));
  // A cookie policy's lists of cookie names are its text, though one of them has a hyphen:
  // dropping them hid a cookie added to the list (a real change).
  EXPECT_FALSE(IsLeakedClassNames("_ga, _gid, _gat_UA-12345"));
  EXPECT_FALSE(IsLeakedClassNames("OptanonConsent, OptanonAlertBoxClosed, eupubconsent-v2"));
  EXPECT_TRUE(IsLeakedClassNames("row-fluid, content-main, mainContent"));
}

TEST(WidgetsTest, TableOfContentsShownOnSomeRendersIsLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  ExpectPolicySentences(plain);
  // English label in a <p> before the list, French in a heading, German label inside <details>,
  // and an unlabelled paragraph of same-page links.
  for (const std::string_view toc : {
           std::string_view("<p>On this page</p><ul><li><a href=#collect>What we collect</a></li>"
                            "<li><a href=#share>Who we share it with</a></li>"
                            "<li><a href=#rights>Your rights</a></li></ul>"),
           std::string_view("<h3>Sommaire</h3><ol><li><a href=#collect>Ce que nous collectons</a>"
                            "</li><li><a href=#share>Partage</a></li></ol>"),
           std::string_view("<details open><summary>Inhaltsverzeichnis</summary><ul><li>"
                            "<a href=#collect>Erhebung</a></li><li><a href=#rights>Rechte</a>"
                            "</li></ul></details>"),
           std::string_view("<p>Jump to: <a href=#collect>1. Collect</a> | <a href=#share>2. "
                            "Share</a> | <a href=#rights>3. Rights</a></p>"),
       }) {
    EXPECT_EQ(Extract(LegalPage(toc)), plain) << toc;
  }
  // The policy's own contents list, without a widget's label, is the policy's text.
  const std::string own = Extract(
      LegalPage("<ol><li><a href=#collect>What we collect</a></li><li><a href=#share>Who we "
                "share it with</a></li><li><a href=#rights>Your rights</a></li></ol>"));
  EXPECT_NE(own.find("1. What we collect\n2. Who we share it with\n3. Your rights\n"),
            std::string::npos)
      << own;
  // A sentence pointing to sections is policy text, not a contents list.
  const std::string cross = Extract(
      LegalPage("<p>The purposes are listed in <a href=#share>section 2</a> and your rights in "
                "<a href=#rights>section 3</a>.</p>"));
  EXPECT_NE(cross.find("The purposes are listed in section 2 and your rights in section 3."),
            std::string::npos)
      << cross;
}

TEST(WidgetsTest, RelatedAndHelpBoxesInsideTheLegalContainerAreLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  // A rotating box of two links, titled by a heading inside it ...
  const std::string box_a = Extract(LegalPage(
      "",
      "<div><h3>Related articles</h3><ul><li><a href=/help/1>How do I delete my account?</a>"
      "</li><li><a href=/help/2>Changing my e-mail</a></li></ul></div>"));
  const std::string box_b = Extract(
      LegalPage("",
                "<div><h3>Related articles</h3><ul><li><a href=/help/7>Blocking a member</a></li>"
                "<li><a href=/help/9>Reporting a profile</a></li></ul></div>"));
  EXPECT_EQ(box_a, plain);
  EXPECT_EQ(box_b, plain);
  // ... or by a heading beside the list, in French; a help-centre section list in German.
  EXPECT_EQ(Extract(LegalPage("",
                              "<h2>Articles connexes</h2><ul><li><a href=/aide/1>Supprimer "
                              "mon compte</a></li><li><a href=/aide/2>Mot de passe</a></li>"
                              "</ul>")),
            plain);
  EXPECT_EQ(Extract(LegalPage("",
                              "<section><p>Artikel in diesem Abschnitt</p><a href=/a>Konto "
                              "l\xC3\xB6schen</a> <a href=/b>Abo k\xC3\xBCndigen</a> <a "
                              "href=/c>Sicherheit beim Dating</a></section>")),
            plain);
  // An unlabelled box named by its class, rotating its links; a policy section whose id says
  // "related" stays.
  EXPECT_EQ(Extract(LegalPage("",
                              "<div class='box related-articles'><a href=/help/3>Safety "
                              "tips for your first date</a><a href=/help/4>Verifying your "
                              "profile</a></div>")),
            plain);
  const std::string section = Extract(
      LegalPage("",
                "<div id=related-companies><h2>4. Related companies</h2><p>We share data with <a "
                "href=/group>our group companies</a>.</p></div>"));
  EXPECT_NE(section.find("We share data with our group companies."), std::string::npos) << section;
  // Rating widgets, with their buttons.
  EXPECT_EQ(Extract(LegalPage("",
                              "<div class=article-votes><span>Was this article helpful?"
                              "</span><button>Yes</button><button>No</button>"
                              "<small>12 out of 20 found this helpful</small></div>")),
            plain);
  EXPECT_EQ(Extract(LegalPage("", "<p>Cet article vous a-t-il \xC3\xA9t\xC3\xA9 utile ?</p>")),
            plain);
  ExpectPolicySentences(plain);
  // A policy section that lists related services with prose stays.
  const std::string prose = Extract(LegalPage(
      "",
      "<h2>4. Related services</h2><p>Our related services, such as <a href=/events>Events"
      "</a>, follow this policy too.</p>"));
  EXPECT_NE(prose.find("Our related services, such as Events, follow this policy too."),
            std::string::npos)
      << prose;
}

TEST(WidgetsTest, ControlLabelsAreLeftOutButSentencesWithTheirWordsStay) {
  const std::string plain = Extract(LegalPage(""));
  for (const std::string_view controls : {
           std::string_view("<p><a href=# class=toggle>Show more</a></p>"),
           std::string_view("<div><span role=button aria-expanded=false>See details</span></div>"),
           std::string_view("<p><a href=/privacy/full>Read more \xC2\xBB</a></p>"),
           std::string_view("<div class=expander>Lire la suite\xE2\x80\xA6</div>"),
           std::string_view("<summary>Alle aufklappen</summary>"),
           std::string_view("<p><a href=/terms.pdf>T\xC3\xA9l\xC3\xA9"
                            "charger</a></p><p><a class=button href=/>INSCRIPTION</a></p>"),
       }) {
    EXPECT_EQ(Extract(LegalPage(controls)), plain) << controls;
  }
  // In a sentence, the same words are text.
  const std::string sentence = Extract(
      LegalPage("<p>To learn how we moderate, <a href=/moderation>read more</a> on our blog.</p>"
                "<p>Show more of your profile only to members you trust.</p>"));
  EXPECT_NE(sentence.find("To learn how we moderate, read more on our blog."), std::string::npos)
      << sentence;
  EXPECT_NE(sentence.find("Show more of your profile only to members you trust."),
            std::string::npos)
      << sentence;
  // A heading is never a control, even with a control's words.
  const std::string heading = Extract(LegalPage("<h2>Learn more</h2><p>Ask us anything.</p>"));
  EXPECT_NE(heading.find("## Learn more"), std::string::npos) << heading;
}

// A table cell holding "Login" or "Share" is data (what a datum is used for), not a control:
// dropping it shifted the row's columns and hid an edit of that cell.
TEST(WidgetsTest, TableCellsWithAControlsWordsAreData) {
  const auto table = [](std::string_view purpose) {
    return LegalPage(
        "<table><tr><th>Data</th><th>Purpose</th></tr><tr><td>Email address</td>"
        "<td>" +
        std::string(purpose) +
        "</td></tr><tr><td>Device ID</td><td>Share</td></tr><tr><td>Name</td>"
        "<td>Print</td></tr></table>");
  };
  const std::string login = Extract(table("Login"));
  EXPECT_NE(login.find("| Email address | Login |"), std::string::npos) << login;
  EXPECT_NE(login.find("| Device ID | Share |"), std::string::npos) << login;
  EXPECT_NE(login.find("| Name | Print |"), std::string::npos) << login;
  EXPECT_NE(Extract(table("Register")), login);
  // A link or button in a cell is still a control.
  const std::string documents = Extract(
      LegalPage("<table><tr><td>Cookie policy</td><td><a href=/cookies.pdf>Download</a></td>"
                "</tr></table>"));
  EXPECT_EQ(documents.find("Download"), std::string::npos) << documents;
}

TEST(WidgetsTest, ChromeInsideTheLegalContainerIsLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  // An enterprise help centre: metadata table, leaked class names, a date stamp marked by the
  // template, and a list of news teasers under a label.
  EXPECT_EQ(Extract(LegalPage("",
                              "<table><tr><th>Last Published</th><td>3/14/2024 9:12 AM</td>"
                              "</tr><tr><th>Article Number</th><td>000012345</td></tr><tr>"
                              "<th>Title</th><td>Privacy Policy</td></tr></table>")),
            plain);
  EXPECT_EQ(Extract(LegalPage("<div>slds-col, slds-size_1-of-1, cPolicyBody</div>")), plain);
  EXPECT_EQ(Extract(LegalPage("",
                              "<div class=last-modified>mis \xC3\xA0 jour le 26 October 2022"
                              "</div>")),
            plain);
  EXPECT_EQ(Extract(LegalPage("", "<p>Article number: 000012345</p>")), plain);
  EXPECT_EQ(Extract(LegalPage("",
                              "<div><h4>Latest news</h4><ul><li><a href=/n/1>Datingo "
                              "launches video calls</a></li><li><a href=/n/2>Our 2025 "
                              "safety report</a></li></ul></div>")),
            plain);
  // The policy's own date line and a data table with a "Created" row stay.
  const std::string own = Extract(LegalPage(
      "<table><tr><th>Data</th><th>Kept for</th></tr><tr><td>Created</td><td>the life of the "
      "account</td></tr><tr><td>Messages</td><td>1 year</td></tr></table>"));
  EXPECT_NE(own.find("| Created | the life of the account |"), std::string::npos) << own;
  // Cookie names in a cookie table look like class names but are the policy's.
  const std::string cookies = Extract(
      LegalPage("<table><tr><th>Domain</th><th>Cookies</th></tr><tr><td>datingo.example</td><td>"
                "session-id, csrf-token</td></tr></table>"));
  EXPECT_NE(cookies.find("| datingo.example | session-id, csrf-token |"), std::string::npos)
      << cookies;
  ExpectPolicySentences(own);
}

// A policy's own publication date ("Veröffentlicht am 1. März 2024", "Publié le ...") is its
// text: a date-only change must be seen. It goes only when the template marks it as a stamp
// (or in a CMS's metadata table, above). It used to go on its words alone.
TEST(WidgetsTest, APolicysOwnPublicationDateStays) {
  const std::string plain = Extract(LegalPage(""));
  for (const std::string_view line : {std::string_view("Ver\xC3\xB6"
                                                       "ffentlicht am 1. M\xC3\xA4rz 2024"),
                                      std::string_view("Publi\xC3\xA9 le 3 mars 2024"),
                                      std::string_view("Last published: 12 May 2025")}) {
    const std::string own = Extract(LegalPage("", "<p>" + std::string(line) + "</p>"));
    EXPECT_NE(own.find(line), std::string::npos) << own;
    EXPECT_EQ(Extract(LegalPage("", "<p class=entry-published>" + std::string(line) + "</p>")),
              plain)
        << line;
  }
}

// Help centres print an article's age ("Updated over a week ago", <time>1 month ago</time>):
// it changes with time alone, and used to announce a change of the policy. Sentences that
// say how long ago something happened are the policy's.
TEST(WidgetsTest, RelativeTimeStampsAreLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  for (const std::string_view stamp :
       {std::string_view("<p>Updated over a week ago</p>"),
        std::string_view("<div><span>Posted 3 days ago</span></div>"),
        std::string_view("<ul><li><time datetime=2024-11-02T09:12:44Z>1 month ago</time></li>"
                         "</ul>"),
        std::string_view("<p>Mis \xC3\xA0 jour il y a 3 jours</p>"),
        std::string_view("<p>Aktualisiert vor 2 Tagen</p>"),
        std::string_view("<p>Yesterday</p>")}) {
    EXPECT_EQ(Extract(LegalPage(stamp)), plain) << stamp;
  }
  // As help centres word them in other languages and shapes (each used to be a daily change).
  for (const std::string_view stamp :
       {"Last updated: 3 days ago", "Last updated: over a week ago", "Updated this week",
        "Updated last month", "Updated 1 hr ago", "Edited 2d ago", "Vor 3 Tagen aktualisiert",
        "Vor &uuml;ber einer Woche aktualisiert", "Mis &agrave; jour il y a plus d'une semaine",
        "Actualizado hace 3 d&iacute;as", "Aggiornato 3 giorni fa", "Atualizado h&aacute; 3 dias",
        "3 dagen geleden bijgewerkt", "Обновлено 3 дня назад", "Обновлено более 2 недель назад",
        "Zaktualizowano 3 dni temu", "Uppdaterad för 3 dagar sedan", "3 gün önce güncellendi",
        "Güncellendi 2 hafta önce"}) {
    EXPECT_EQ(Extract(LegalPage("<p>" + std::string(stamp) + "</p>")), plain) << stamp;
  }
  // Help centres' other link boxes under their labels.
  for (const std::string_view label :
       {"Recently viewed articles", "Trending now", "Most read", "Popular in the Help Center"}) {
    EXPECT_EQ(Extract(LegalPage("<h3>" + std::string(label) +
                                "</h3><ul><li><a href=/a1>Reset your password</a></li><li><a "
                                "href=/a2>Delete your account</a></li></ul>")),
              plain)
        << label;
  }
  const std::string sentence =
      Extract(LegalPage("<p>We delete what you sent a week ago.</p><p>Two years ago</p>"));
  EXPECT_NE(sentence.find("We delete what you sent a week ago."), std::string::npos) << sentence;
}

// A page-view counter (Drupal's statistics, WordPress's Post Views Counter, Joomla's hits)
// changes at every visit: kept, each check was a "change". Left out when it stands alone; the
// same words in a sentence or a table stay.
TEST(WidgetsTest, ViewCountersAreLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  for (const std::string_view counter :
       {std::string_view("<ul class='links inline'><li class=statistics-counter>1,204 views</li>"
                         "</ul>"),
        std::string_view("<div class='post-views entry-meta'><span class=post-views-label>Post "
                         "Views:</span> <span class=post-views-count>1,204</span></div>"),
        std::string_view("<p>Viewed 1204 times</p>"), std::string_view("<p>Hits: 1204</p>"),
        std::string_view("<div><span>1,204 views</span> \xC2\xB7 <span>5 min read</span></div>"),
        std::string_view("<p>3.2K views</p>"), std::string_view("<p>Read 1,204 times</p>"),
        std::string_view("<p>13 people are viewing this page</p>"),
        std::string_view("<p>71% of readers found this article helpful</p>")}) {
    EXPECT_EQ(Extract(LegalPage(counter)), plain) << counter;
  }
  const std::string kept = Extract(LegalPage(
      "<p>We count 1,204 views of this page a day.</p><table><tr><th>Cookie</th><th>Counts</th>"
      "</tr><tr><td>_pv</td><td>Page views</td></tr></table>"));
  EXPECT_NE(kept.find("We count 1,204 views of this page a day."), std::string::npos) << kept;
  EXPECT_NE(kept.find("| _pv | Page views |"), std::string::npos) << kept;
}

// A site's copyright line, printed from the current year: on a page read whole (no
// landmark) every watched page of the site announced a change on 1 January, and one text line
// kept a whole div footer. Left out when it is the line's only text; a terms' "Copyright"
// clause, or a sentence with a year, stays.
TEST(WidgetsTest, CopyrightNoticesAreLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  for (const std::string_view notice :
       {"<p>&copy; 2026 Datingo Ltd. All rights reserved.</p>",
        "<div id=footer><p>&copy; 2026 Datingo Ltd. All rights reserved.</p></div>",
        "<div class=copyright>Copyright &copy; 2019-2026 Datingo Ltd.</div>",
        "<p>(c) 2026 Datingo GmbH</p>", "<p><small>Copyright 2026, Datingo</small></p>"}) {
    EXPECT_EQ(Extract(LegalPage("", notice)), plain) << notice;
  }
  const std::string kept =
      Extract(LegalPage("",
                        "<h2>4. Copyright</h2><p>Copyright in the service belongs to Datingo.</p>"
                        "<p>&copy; 2026: we renewed the licence of the photos you upload to us for "
                        "another year, as the agreement signed with each member requires.</p>"));
  EXPECT_NE(kept.find("Copyright in the service belongs to Datingo."), std::string::npos) << kept;
  EXPECT_NE(kept.find("we renewed the licence"), std::string::npos) << kept;
}

// A chat widget's greeting ("Hi there, Sarah from Datingo here", "3 agents online") changed at
// each check of a page read whole. Its vendor's container goes, as a consent platform's does.
TEST(WidgetsTest, ChatWidgetsAndTrustArcBannersAreLeftOut) {
  const std::string whole =
      "<html><head><title>Privacy Policy</title></head><body><div class=page>"
      "<h1>Privacy Policy</h1><p>We collect your profile and your messages so that other members "
      "can find you, and keep them while your account is open.</p><h2>Sharing</h2><p>We share "
      "data with moderators and hosting providers under contracts that protect it.</p></div>";
  const std::string plain = Extract(whole + "</body></html>");
  for (const std::string_view widget :
       {"<div id=tidio-chat><div>Hi there &#128075; Sarah from Datingo here.</div>"
        "<button>Chat</button></div>",
        "<div class=crisp-client><span>Agents online: 3</span></div>",
        "<div id=intercom-container><p>Priya is online</p></div>",
        // TrustArc's banner, in whichever language the visitor's location gave.
        "<div id=truste-consent-track><p>Wir verwenden Cookies, um Ihnen ein besseres Erlebnis "
        "zu bieten.</p><button>Akzeptieren</button><button>Ablehnen</button></div>"}) {
    EXPECT_EQ(Extract(whole + std::string(widget) + "</body></html>"), plain) << widget;
  }
}

TEST(WidgetsTest, SiteMenuMarkingTheCurrentPageOrNamedTabsIsLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  // A help centre's legal menu inside the container, before the policy, marking the page shown
  // with aria-current ...
  const std::string aria = Extract(LegalPage(
      "<ul class=tabs><li><a href=/terms>Terms of service</a></li><li><a aria-current=page "
      "href=/privacy>Privacy policy</a></li><li><a href=/cookies>Cookie charter</a></li><li><a "
      "href=/jobs>We are hiring</a></li></ul>"));
  EXPECT_EQ(aria, plain);
  // ... or with an "active" class on the item, at the end of the container, on another render
  // with one more entry.
  const std::string active = Extract(LegalPage(
      "",
      "<ul><li><a href=/terms>Terms</a></li><li class=active><a href=/privacy>Privacy</a>"
      "</li><li><a href=/safety>Safety tips</a></li><li><a href=/press>Press</a></li></ul>"));
  EXPECT_EQ(active, plain);
  ExpectPolicySentences(aria);
  // The same menu on a page its links do not name (reached by another URL) marks nothing; its
  // class still says it is a row of tabs, so every render of the document gives one text.
  const std::string tabs = Extract(LegalPage(
      "<ul class='tabs clearfix'><li><a href=/cgs>Terms of service</a></li><li><a href=/privacy>"
      "Privacy policy</a></li><li><a href=/cookies>Cookie charter</a></li></ul>"));
  EXPECT_EQ(tabs, plain);
  // Tabs of the policy's own sections (same-page links) or of its text stay.
  const std::string own_tabs = Extract(LegalPage(
      "<ul class=tabs><li><a href=#collect>What we collect</a></li><li><a href=#share>Sharing"
      "</a></li><li><a href=#rights>Your rights</a></li></ul>"));
  EXPECT_NE(own_tabs.find("- What we collect\n- Sharing\n- Your rights"), std::string::npos)
      << own_tabs;

  // The policy's own lists of links stay: its other notices, unmarked ...
  const std::string notices = Extract(LegalPage(
      "<p>Our other notices</p><ul><li><a href=/terms>Terms of service</a></li><li><a "
      "href=/cookies>Cookie policy</a></li><li><a href=/guidelines>Community guidelines</a></li>"
      "</ul>"));
  EXPECT_NE(notices.find("- Terms of service\n- Cookie policy\n- Community guidelines"),
            std::string::npos)
      << notices;
  // ... partners' policies, even when one of them carries an "active" class, because its items
  // are sentences or hold text beside the link ...
  const std::string partners = Extract(LegalPage(
      "<ul><li class=active><a href=https://ads.example/privacy>AdNetwork</a>: measures "
      "audiences</li><li><a href=https://maps.example/privacy>Maps</a>: shows your city</li><li>"
      "<a href=https://pay.example/privacy>Payments</a>: processes payments</li></ul>"));
  EXPECT_NE(partners.find("- AdNetwork: measures audiences"), std::string::npos) << partners;
  // ... and a list of same-page links marked by a scroll spy is a contents list, not a menu.
  const std::string contents = Extract(LegalPage(
      "<ul><li class=active><a href=#collect>What we collect</a></li><li><a href=#share>Who we "
      "share it with</a></li><li><a href=#rights>Your rights</a></li></ul>"));
  EXPECT_NE(contents.find("- What we collect\n- Who we share it with\n- Your rights"),
            std::string::npos)
      << contents;
}

// A news box without a label inside the legal container: cards headed by a link, with a date,
// an excerpt cut short and a "Read more" link. It changes with every post, so it is left out;
// the policy's own lists that look alike stay.
std::string Card(std::string_view href, std::string_view headline, std::string_view date,
                 std::string_view excerpt, std::string_view more) {
  std::string card = "<div class=item><h3><a href=";
  card.append(href).append(">").append(headline).append("</a></h3>");
  if (!date.empty()) card.append("<p class=meta>").append(date).append("</p>");
  if (!excerpt.empty()) card.append("<p>").append(excerpt).append("</p>");
  if (!more.empty()) card.append("<a href=").append(href).append(">").append(more).append("</a>");
  return card.append("</div>");
}

TEST(WidgetsTest, UnlabelledNewsTeasersAreLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  const std::string spring = Extract(LegalPage(
      "", "<div class=row>" +
              Card("/news/plant", "Datingo opens an office in Lyon", "March 3, 2024",
                   "The new office will employ 30 people and help members in", "Read more") +
              Card("/news/results", "Record first quarter", "20/04/2024",
                   "Revenue grew by 12 percent year over year, driven by", "Read more") +
              "</div>"));
  EXPECT_EQ(spring, plain);
  ExpectPolicySentences(spring);
  // Next week's render: other posts, no "Read more", an ellipsis, a French date.
  const std::string summer = Extract(LegalPage(
      "",
      "<section>" +
          Card("/news/app", "A new app", "12 juin 2024",
               "Our app now shows who liked your profile first and\xE2\x80\xA6", "") +
          Card("/news/ceo", "A new chief executive", "2 mai 2024",
               "The board has appointed a new chief executive officer, effective", "") +
          Card("/news/award", "An award", "1 mai 2024", "We are proud to announce that we", "") +
          "</section>"));
  EXPECT_EQ(summer, plain);

  // The policy's own list of its other notices: whole sentences, no dates; a "Learn more" alone
  // is one sign, not two.
  const std::string notices = Extract(LegalPage(
      "", "<div>" +
              Card("/cookies", "Cookie policy", "",
                   "How we use cookies and how you can refuse them.", "Learn more") +
              Card("/terms", "Terms of service", "", "The rules of using Datingo.", "Learn more") +
              "</div>"));
  EXPECT_NE(notices.find("### Cookie policy"), std::string::npos) << notices;
  EXPECT_NE(notices.find("The rules of using Datingo."), std::string::npos) << notices;
  // Its past versions: the dates are the links.
  const std::string versions =
      Extract(LegalPage("",
                        "<div><p><a href=/privacy/2024>Version of 3 March 2024</a></p><p><a "
                        "href=/privacy/2023>Version of 1 May 2023</a></p></div>"));
  EXPECT_NE(versions.find("Version of 1 May 2023"), std::string::npos) << versions;
  // Cards about several pages each, or with text before the link, are not teasers.
  const std::string mixed = Extract(LegalPage(
      "",
      "<div><div><p>Since <a href=/a>3 March 2024</a> we share data with Acme and</p><p>1 "
      "May 2024</p></div><div><p>Since <a href=/b>1 May 2024</a> we share data with Beta "
      "and</p><p>2 May 2024</p></div></div>"));
  EXPECT_NE(mixed.find("we share data with Beta"), std::string::npos) << mixed;
}

TEST(WidgetsTest, TypographicVariantsAndRewrappedParagraphsGiveTheSameText) {
  const std::string smart = Extract(LegalPage(
      "<p>We don\xE2\x80\x99t sell your data. \xE2\x80\x9CMembers\xE2\x80\x9D means e\xE2\x80\x91"
      "mail\xC2\xA0holders\xE2\x80\xA6 Donne\xCC\x81"
      "es:<br>\nkept<br>for a year.</p>"));
  const std::string plain = Extract(
      LegalPage("<p>We don't sell your data. \"Members\" means e-mail holders... Donn\xC3\xA9"
                "es:\nkept\nfor a year.</p>"));
  EXPECT_EQ(smart, plain);
  EXPECT_NE(plain.find("We don't sell your data. \"Members\" means e-mail holders... "
                       "Donn\xC3\xA9"
                       "es: kept for a year."),
            std::string::npos)
      << plain;
}

// A language switcher inside the legal container: the policy's other languages, named in
// their own languages (or marked with hreflang), which some renders show, shuffle or reorder.
// It is left out in each of its forms; a sentence naming languages, or a list with a label
// beside it, stays.
TEST(WidgetsTest, LanguageSwitchersAreLeftOut) {
  const std::string plain = Extract(LegalPage(""));
  const std::string forms[] = {
      // A row of links with hreflang, the current language as text.
      "<div class=switch>English <a href=/de/privacy hreflang=de>Deutsch</a> | <a "
      "href=/fr/privacy hreflang=fr>Français</a></div>",
      // A list of autonyms, no attributes, in another order.
      "<ul class=languages><li><a href=/it/privacy>Italiano</a></li><li><a href=/nl/privacy>"
      "Nederlands</a></li><li><a href=/ja/privacy>日本語</a></li><li><a href=/pt-br/privacy>"
      "Português (Brasil)</a></li><li><a href=/zh/privacy>简体中文</a></li></ul>",
      // Codes marked with hreflang, separated by dots.
      "<p><a href=/en hreflang=en>EN</a> · <a href=/de hreflang=de>DE</a> · <a href=/es "
      "hreflang=es>ES</a></p>",
      // Autonyms in a list, the current language an item without a link.
      "<ul><li class=active>Español</li><li><a href=/ca/privacy>Català</a></li><li><a "
      "href=/eu/privacy>Euskara</a></li></ul>",
      // A wiki's: labelled, the current language as text, a region in full-width parentheses.
      "<div class=languages><div class=label>Other languages:</div><ul><li><span>English"
      "</span></li><li><a href=/es lang=es>español</a></li><li><a href=/zh-cn "
      "lang=zh-Hans-CN>中文（中国大陆）</a></li><li><a href=/ja lang=ja>日本語</a></li></ul></div>",
      // Written with deep indentation around each name.
      "<p>"
      "\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
      "\t\t\t\t"
      "English\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
      "\t\t\t\t\t| "
      "<a href=/de hreflang=de>Deutsch</a> | <a href=/fr hreflang=fr>Français</a></p>",
      // A label before the list.
      "<p>Sprache:</p><ul><li><a href=/de>Deutsch</a></li><li><a href=/en>English</a></li></ul>",
  };
  for (const std::string& form : forms) {
    EXPECT_EQ(Extract(LegalPage(form)), plain) << form;
    EXPECT_EQ(Extract(LegalPage("", form)), plain) << form;
  }
  // The policy's own words stay: a sentence naming its languages ...
  const std::string sentence = Extract(
      LegalPage("<p>This policy is also available in <a href=/de/privacy>Deutsch</a> and <a "
                "href=/fr/privacy>Français</a>.</p>"));
  EXPECT_NE(sentence.find("also available in Deutsch and Français."), std::string::npos)
      << sentence;
  // ... languages in one block with other words than a switcher's label ...
  const std::string labelled = Extract(
      LegalPage("<div>Our support speaks: <a href=/de/support>Deutsch</a>, <a href=/fr/support>"
                "Français</a></div>"));
  EXPECT_NE(labelled.find("Our support speaks: Deutsch, Français"), std::string::npos) << labelled;
  // ... a list of links to other pages that are not languages ...
  const std::string notices = Extract(
      LegalPage("<ul><li><a href=/terms>Terms</a></li><li><a href=/cookies>Cookies</a></li></ul>"));
  EXPECT_NE(notices.find("- Terms\n- Cookies"), std::string::npos) << notices;
  // ... and one language named alone is not a switcher.
  const std::string single =
      Extract(LegalPage("<p><a href=/de/privacy hreflang=de>Deutsch</a></p>"));
  EXPECT_NE(single.find("Deutsch"), std::string::npos) << single;
}

}  // namespace
}  // namespace policyd
