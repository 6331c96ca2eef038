#include "policyd/web_pages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "policyd/diff.h"
#include "policyd/gumbo_document.h"
#include "policyd/url_query.h"

namespace policyd {
namespace {

using nlohmann::json;

const std::string kScript = "<script>alert(1)</script>";
const std::string kImg = "\"><img src=x onerror=alert(1)>";
const std::string kHostile = kScript + kImg + "'&";
const std::string kEscapedScript = "&lt;script&gt;alert(1)&lt;/script&gt;";
// A doc id with every character that matters in a query or an attribute.
const std::string kOddId = "a&b/\"q\" <x>";
const std::string kOddIdEncoded = "a%26b%2F%22q%22%20%3Cx%3E";
const std::string kHashA = std::string(64, 'a');
const std::string kHashB = "b" + std::string(63, 'c');
const std::string kHashC = "c" + std::string(63, 'd');

struct Anchor {
  std::string href;
  std::string rel;
  std::string text;
};

struct Parsed {
  std::vector<Anchor> anchors;
  std::vector<std::string> tags;           // every element, in document order
  std::vector<std::string> on_attributes;  // attributes named on* (event handlers)
  std::string text;                        // all text, as a browser would show it
};

std::string Attribute(const GumboElement& element, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&element.attributes, name);
  return attribute == nullptr ? "" : attribute->value;
}

std::string TextOf(const GumboNode* node) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
    return node->v.text.text;
  }
  std::string out;
  if (node->type != GUMBO_NODE_ELEMENT) return out;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    out += TextOf(static_cast<const GumboNode*>(children.data[i]));
  }
  return out;
}

void Walk(const GumboNode* node, Parsed* parsed) {
  if (node->type == GUMBO_NODE_TEXT) parsed->text += node->v.text.text;
  if (node->type != GUMBO_NODE_ELEMENT) return;
  const GumboElement& element = node->v.element;
  const std::string tag =
      element.tag == GUMBO_TAG_UNKNOWN ? "unknown" : gumbo_normalized_tagname(element.tag);
  parsed->tags.push_back(tag);
  for (unsigned i = 0; i < element.attributes.length; ++i) {
    const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
    if (std::string_view(attribute->name).starts_with("on")) {
      parsed->on_attributes.push_back(attribute->name);
    }
  }
  if (element.tag == GUMBO_TAG_A) {
    parsed->anchors.push_back(
        {Attribute(element, "href"), Attribute(element, "rel"), TextOf(node)});
  }
  for (unsigned i = 0; i < element.children.length; ++i) {
    Walk(static_cast<const GumboNode*>(element.children.data[i]), parsed);
  }
}

Parsed Parse(const std::string& html) {
  GumboDocument document(html);
  Parsed parsed;
  Walk(document.root(), &parsed);
  return parsed;
}

std::vector<std::string> Hrefs(const Parsed& parsed) {
  std::vector<std::string> out;
  for (const Anchor& anchor : parsed.anchors) out.push_back(anchor.href);
  return out;
}

bool HasHref(const Parsed& parsed, const std::string& href) {
  const auto hrefs = Hrefs(parsed);
  return std::find(hrefs.begin(), hrefs.end(), href) != hrefs.end();
}

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// What every page must be: a whole HTML5 document with the shell, no script anywhere, no
// element or attribute a hostile text could have smuggled in, and links that are either
// relative pages of the view or http(s) links to other sites that carry no referrer.
void ExpectSafePage(const std::string& html) {
  SCOPED_TRACE(html.substr(0, 2000));
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("<link rel=\"stylesheet\" href=\"style.css\">"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  const Parsed parsed = Parse(html);
  for (const char* banned : {"script", "img", "iframe", "object", "embed", "style", "base"}) {
    EXPECT_EQ(std::count(parsed.tags.begin(), parsed.tags.end(), banned), 0) << banned;
  }
  EXPECT_TRUE(parsed.on_attributes.empty()) << parsed.on_attributes.front();
  EXPECT_TRUE(HasHref(parsed, "./"));
  EXPECT_TRUE(HasHref(parsed, "feed.atom"));
  EXPECT_TRUE(HasHref(parsed, "metrics"));
  for (const Anchor& anchor : parsed.anchors) {
    const bool external = anchor.href.starts_with("http://") || anchor.href.starts_with("https://");
    if (external) {
      EXPECT_EQ(anchor.rel, "noreferrer noopener") << anchor.href;
      continue;
    }
    EXPECT_EQ(anchor.href.find(':'), std::string::npos) << "a scheme in " << anchor.href;
    EXPECT_FALSE(anchor.href.starts_with("/")) << anchor.href;
    const std::string page = anchor.href.substr(0, anchor.href.find('?'));
    const std::vector<std::string> pages = {"./",   "document",  "diff",   "evidence",
                                            "text", "feed.atom", "metrics"};
    EXPECT_NE(std::find(pages.begin(), pages.end(), page), pages.end()) << anchor.href;
  }
}

json Status() {
  return {{"version", "1.4.0"},
          {"uptime_seconds", 3725},
          {"documents", 2},
          {"failing", 1},
          {"first_pass", {{"checked", 1}, {"total", 2}, {"complete", false}}},
          {"last_seq", 4711},
          {"database_bytes", 12 * 1024 * 1024},
          {"storage_error", nullptr}};
}

json DocumentEntry(const std::string& id, int failures, const std::string& last_error) {
  return {{"id", id},
          {"platform", "Coursera"},
          {"type", "Privacy Policy"},
          {"url", "https://www.coursera.org/about/privacy"},
          {"interval", "12h"},
          {"select", json::array({"main"})},
          {"remove", json::array()},
          {"render", "auto"},
          {"render_choice", "static"},
          {"next_due", "2026-11-22T20:00:00.000Z"},
          {"checking", false},
          {"last_check", "2026-11-22T12:13:23.456Z"},
          {"last_success", "2026-11-22T12:13:23.456Z"},
          {"last_change", "2026-11-20T08:00:00.000Z"},
          {"current_hash", kHashC},
          {"versions", 3},
          {"consecutive_failures", failures},
          {"last_error", last_error}};
}

json List() {
  return {{"documents",
           {DocumentEntry("coursera/privacy-policy", 0, ""),
            DocumentEntry("hooli/terms-of-service", 2, "HTTP status 500")}},
          {"total", 2}};
}

json Show(const std::string& id) {
  json show = DocumentEntry(id, 0, "");
  show["recent_checks"] = {{{"time", "2026-11-22T12:13:23.456Z"},
                            {"outcome", "unchanged"},
                            {"reason", ""},
                            {"message", ""},
                            {"http_status", 200},
                            {"duration_ms", 412},
                            {"text_hash", kHashC}},
                           {{"time", "2026-11-22T00:13:23.456Z"},
                            {"outcome", "failed"},
                            {"reason", "http_5xx"},
                            {"message", "HTTP status 500"},
                            {"http_status", 500},
                            {"duration_ms", 35},
                            {"text_hash", ""}}};
  return show;
}

json History(const std::string& id) {
  json versions = json::array();
  const std::string hashes[] = {kHashA, kHashB, kHashC};
  const char* classes[] = {"first_seen", "substantive", "cosmetic"};
  for (int i = 0; i < 3; ++i) {
    versions.push_back({{"index", i + 1},
                        {"time", "2026-11-2" + std::to_string(i) + "T08:00:00.000Z"},
                        {"time_ms", 1795000000000 + i},
                        {"text_hash", hashes[i]},
                        {"raw_hash", std::string(64, 'f')},
                        {"change_class", classes[i]}});
  }
  return {{"doc", id}, {"versions", versions}};
}

// A unified diff as UnifiedDiff writes it: a changed line, an added one, and a second hunk
// that removes two lines; "--- x" inside a hunk is the removed line "-- x", not a label.
const std::string kSmallDiff =
    "--- coursera/privacy-policy 2026-11-20T08:00:00.000Z aaaaaaaaaaaa\n"
    "+++ coursera/privacy-policy 2026-11-21T08:00:00.000Z bccccccccccc\n"
    "@@ -1,3 +1,4 @@\n"
    " # Privacy\n"
    "-We sell data.\n"
    "+We share data.\n"
    "+With partners.\n"
    " Contact us.\n"
    "@@ -10,2 +10,0 @@\n"
    "-Old line ten.\n"
    "--- x\n";

json Diff(const std::string& id, const std::string& text) {
  return {{"doc", id},
          {"change_class", "substantive"},
          {"words_added", 3},
          {"words_removed", 6},
          {"old_hash", kHashA},
          {"new_hash", kHashB},
          {"lines_added", 2},
          {"lines_removed", 3},
          {"sections", {"", "# Privacy"}},
          {"sections_truncated", 0},
          {"diff", text}};
}

json Evidence(const std::string& id) {
  return {{"doc", id},
          {"index", 2},
          {"versions", 3},
          {"time", "2026-11-21T08:00:00.000Z"},
          {"time_ms", 1795000000001},
          {"platform", "Coursera"},
          {"type", "Privacy Policy"},
          {"text_hash", kHashB},
          {"raw_hash", std::string(64, 'f')},
          {"http_status", 200},
          {"url", "https://www.coursera.org/about/privacy"},
          {"final_url", "https://www.coursera.org/about/privacy/"},
          {"headers", {{"content-type", "text/html; charset=utf-8"}, {"etag", "\"xyz\""}}},
          {"event_seq", 17},
          {"policyd_version", "1.4.0"},
          {"fetcher", "http"},
          {"browser_version", ""},
          {"lang", "en"},
          {"reread", false},
          {"segment_ids_hash", kHashC},
          {"segment_rules", 2},
          {"event", {{"seq", 17}, {"type", "document.changed"}, {"change_class", "substantive"}}}};
}

TEST(WebPagesTest, DocumentsPageSummarisesTheDaemonAndListsEveryDocument) {
  const std::string html = DocumentsPage(Status(), List());
  ExpectSafePage(html);
  EXPECT_NE(html.find("<title>Documents \u00b7 policyd</title>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Documents</dt><dd>2</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Failing</dt><dd>1</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>First pass</dt><dd>1 of 2 checked</dd>"), std::string::npos);
  // Documents added after a complete pass do not reopen it: said as policyctl status says it.
  json added = Status();
  added["first_pass"] = {{"checked", 210}, {"total", 300}, {"complete", true}};
  EXPECT_NE(DocumentsPage(added, List())
                .find("<dt>First pass</dt><dd>complete; 90 documents added since, not checked yet "
                      "(210 of 300 checked)</dd>"),
            std::string::npos);
  json restarted = Status();
  restarted["first_pass"] = {
      {"checked", 2}, {"checked_before_start", 1}, {"total", 2}, {"complete", true}};
  EXPECT_NE(DocumentsPage(restarted, List())
                .find("<dt>First pass</dt><dd>2 of 2 checked (complete; 1 checked before this "
                      "start)</dd>"),
            std::string::npos);
  EXPECT_NE(html.find("<dt>Last event</dt><dd>4711</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Database</dt><dd>12 MiB</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Uptime</dt><dd>1h 2m</dd>"), std::string::npos);
  const Parsed parsed = Parse(html);
  EXPECT_TRUE(HasHref(parsed, "document?doc=coursera%2Fprivacy-policy"));
  EXPECT_TRUE(HasHref(parsed, "document?doc=hooli%2Fterms-of-service"));
  // The failing document is marked by its row and said in words; the other is "ok".
  EXPECT_EQ(Count(html, "<tr class=\"failing\">"), 1u);
  EXPECT_NE(html.find("<td class=\"status\"><strong>failing</strong>: HTTP status 500</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"status\">ok</td>"), std::string::npos);
  EXPECT_EQ(html.find("not checked yet"), std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2026-11-22T12:13:23.456Z\" "
                      "title=\"2026-11-22T12:13:23.456Z\">2026-11-22 12:13 UTC</time>"),
            std::string::npos);
}

// A document the daemon has not checked yet (the first pass is running) is not "ok".
TEST(WebPagesTest, DocumentsPageSaysWhichDocumentsAreNotCheckedYet) {
  json list = List();
  list["documents"][0]["last_check"] = nullptr;
  const std::string html = DocumentsPage(Status(), list);
  EXPECT_NE(html.find("<td class=\"status\">not checked yet</td>"), std::string::npos);
  EXPECT_EQ(html.find("<td class=\"status\">ok</td>"), std::string::npos);
}

// A text held back as suspicious and a check its host's rest held are neither "ok" nor a
// failure: the daemon's `status` says which, with the error that explains it.
TEST(WebPagesTest, DocumentsPageSaysWhichTextsAndChecksAreHeld) {
  json list = List();
  list["documents"][0]["status"] = "suspicious";
  list["documents"][0]["last_error"] = "suspicious: the text shrank by 62%";
  list["documents"][1]["status"] = "retrying";
  list["documents"][1]["consecutive_failures"] = 0;
  list["documents"][1]["last_error"] = "timeout: not requested: the server is struggling";
  const std::string html = DocumentsPage(Status(), list);
  EXPECT_NE(html.find("<td class=\"status\"><strong>held back</strong>: suspicious: the text "
                      "shrank by 62%</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"status\">retrying: timeout: not requested: the server is "
                      "struggling</td>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("<td class=\"status\">ok</td>"), std::string::npos);
}

// A long list is shown kDocumentsPerPage rows at a time, with links that keep the filters.
TEST(WebPagesTest, DocumentsPageShowsAThousandRowsAtATimeWithPagerLinks) {
  json documents = json::array();
  for (int i = 0; i < 2500; ++i) {
    documents.push_back(DocumentEntry("p" + std::to_string(i) + "/terms", 1, "timeout"));
  }
  const json list = {{"documents", documents}, {"total", 3000}};
  const QueryParams filters = {{"failing", "1"}};
  const std::string middle = DocumentsPage(Status(), list, 1000, filters);
  const std::size_t body = middle.find("<tbody>");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(Count(middle.substr(body), "<tr"), 1000u);
  const Parsed parsed = Parse(middle);
  EXPECT_TRUE(HasHref(parsed, "document?doc=p1000%2Fterms"));
  EXPECT_TRUE(HasHref(parsed, "document?doc=p1999%2Fterms"));
  EXPECT_FALSE(HasHref(parsed, "document?doc=p999%2Fterms"));
  EXPECT_FALSE(HasHref(parsed, "document?doc=p2000%2Fterms"));
  EXPECT_NE(middle.find("Rows 1001\u20132000 of 2500"), std::string::npos);
  EXPECT_TRUE(HasHref(parsed, "./?failing=1"));  // previous: the first page
  EXPECT_TRUE(HasHref(parsed, "./?failing=1&first=2000"));

  const std::string last = DocumentsPage(Status(), list, 2000, filters);
  EXPECT_EQ(Count(last.substr(last.find("<tbody>")), "<tr"), 500u);
  EXPECT_TRUE(HasHref(Parse(last), "./?failing=1&first=1000"));
  EXPECT_EQ(last.find(">next<"), std::string::npos);
  // Past the end: no rows, a way back.
  const std::string beyond = DocumentsPage(Status(), list, 9000, filters);
  EXPECT_EQ(beyond.find("<tbody>"), std::string::npos);
  // One page only: no pager.
  EXPECT_EQ(DocumentsPage(Status(), List()).find("class=\"pager\""), std::string::npos);
}

TEST(WebPagesTest, DocumentsPageHasOneRowPerDocumentAt674Documents) {
  json documents = json::array();
  for (int i = 0; i < 674; ++i) {
    documents.push_back(
        DocumentEntry("platform" + std::to_string(i) + "/privacy-policy", i % 7 == 0, "timeout"));
  }
  const std::string html = DocumentsPage(Status(), {{"documents", documents}, {"total", 674}});
  const std::size_t body = html.find("<tbody>");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(Count(html.substr(body), "<tr"), 674u);
  EXPECT_EQ(Count(html, "<tr class=\"failing\">"), 97u);  // i = 0, 7, ..., 672
  EXPECT_TRUE(HasHref(Parse(html), "document?doc=platform673%2Fprivacy-policy"));
}

TEST(WebPagesTest, DocumentPageLinksVersionsDiffsEvidenceAndFeedsWithEncodedIds) {
  const std::string html = DocumentPage(Show(kOddId), History(kOddId));
  ExpectSafePage(html);
  const Parsed parsed = Parse(html);
  const std::string doc = "doc=" + kOddIdEncoded;
  EXPECT_TRUE(HasHref(parsed, "feed.atom?" + doc));
  EXPECT_TRUE(HasHref(parsed, "feed.atom?platform=Coursera"));
  EXPECT_TRUE(HasHref(parsed, "diff?" + doc + "&a=2&b=3&layout=inline"));
  EXPECT_TRUE(HasHref(parsed, "diff?" + doc + "&a=1&b=2&layout=inline"));
  EXPECT_TRUE(HasHref(parsed, "evidence?" + doc + "&version=1"));
  EXPECT_TRUE(HasHref(parsed, "evidence?" + doc + "&version=3"));
  EXPECT_TRUE(HasHref(parsed, "text?" + doc + "&hash=" + kHashA));
  // In the markup the '&' between parameters is escaped.
  EXPECT_NE(html.find("href=\"diff?" + doc + "&amp;a=2&amp;b=3&amp;layout=inline\""),
            std::string::npos);
  // The first version has no previous one to diff with.
  std::size_t diff_links = 0;
  for (const Anchor& anchor : parsed.anchors) diff_links += anchor.text == "diff with previous";
  EXPECT_EQ(diff_links, 2u);
  EXPECT_TRUE(HasHref(parsed, "https://www.coursera.org/about/privacy"));
  // The id is text in the title and the heading, escaped.
  EXPECT_NE(html.find("<h1>a&amp;b/&quot;q&quot; &lt;x&gt;</h1>"), std::string::npos);
  // Hashes are shortened to 12 with the whole hash in the title.
  EXPECT_NE(html.find("<code class=\"hash\" title=\"" + kHashB + "\">" + kHashB.substr(0, 12) +
                      "</code>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>substantive</td>"), std::string::npos);
  // The compare form is a plain GET to "diff", newest two versions preselected.
  EXPECT_NE(html.find("<form class=\"compare\" method=\"get\" action=\"diff\">"),
            std::string::npos);
  EXPECT_NE(html.find("<input type=\"hidden\" name=\"doc\" value=\"a&amp;b/&quot;q&quot; "
                      "&lt;x&gt;\">"),
            std::string::npos);
  EXPECT_NE(html.find("<select name=\"a\"><option value=\"3\">"), std::string::npos);
  EXPECT_NE(html.find("<option value=\"2\" selected>#2 \u00b7 2026-11-21 08:00 UTC \u00b7 " +
                      kHashB.substr(0, 12) + "</option>"),
            std::string::npos);
  EXPECT_NE(html.find("<select name=\"b\"><option value=\"3\" selected>"), std::string::npos);
  EXPECT_NE(html.find("name=\"layout\" value=\"side-by-side\""), std::string::npos);
  // Recent checks, the failed one marked.
  EXPECT_NE(html.find("<tr class=\"failing\"><td>"), std::string::npos);
  EXPECT_NE(html.find("<td>http_5xx</td><td>HTTP status 500</td><td>500</td>"), std::string::npos);
}

TEST(WebPagesTest, OnlyHttpUrlsBecomeLinks) {
  for (const std::string url :
       {"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "//evil.example/x", "vbscript:x"}) {
    json show = Show("acme/privacy-policy");
    show["url"] = url;
    const std::string html = DocumentPage(show, History("acme/privacy-policy"));
    ExpectSafePage(html);
    const Parsed parsed = Parse(html);
    for (const Anchor& anchor : parsed.anchors) {
      EXPECT_EQ(anchor.href.find("script"), std::string::npos) << anchor.href;
      EXPECT_NE(anchor.text, url);
    }
    EXPECT_NE(parsed.text.find(url), std::string::npos) << "the URL is shown as text";
  }
  json show = Show("acme/privacy-policy");
  show["url"] = "HTTP://example.com/p?a=1&b=\"2\"";
  const Parsed parsed = Parse(DocumentPage(show, json()));
  const auto link = std::find_if(parsed.anchors.begin(), parsed.anchors.end(),
                                 [](const Anchor& a) { return a.href.starts_with("HTTP:"); });
  ASSERT_NE(link, parsed.anchors.end());
  EXPECT_EQ(link->href, "HTTP://example.com/p?a=1&b=\"2\"");
  EXPECT_EQ(link->rel, "noreferrer noopener");
}

TEST(WebPagesTest, HostileTextInEveryFieldStaysText) {
  // Every string field of every input holds the hostile text.
  std::function<void(json&)> poison = [&](json& value) {
    if (value.is_string()) {
      value = kHostile;
    } else if (value.is_structured()) {
      for (auto& item : value) poison(item);
    }
  };
  json status = Status();
  status["storage_error"] = {{"message", kHostile}, {"since", kHostile}};
  json list = List();
  json show = Show("x");
  json history = History("x");
  json diff = Diff("x", "");
  json evidence = Evidence("x");
  for (json* input : {&status, &list, &show, &history, &diff, &evidence}) poison(*input);
  diff["diff"] = "--- " + kHostile + "\n+++ " + kHostile + "\n@@ -1 +1 @@ " + kHostile + "\n-" +
                 kHostile + "\n+" + kHostile + "\n\\ " + kHostile + "\n";
  evidence[kHostile] = kHostile;  // an unknown field, name included
  const std::vector<std::string> pages = {
      DocumentsPage(status, list),
      DocumentPage(show, history),
      DiffPage(diff, DiffLayout::kInline),
      DiffPage(diff, DiffLayout::kSideBySide),
      EvidencePage(evidence),
      ErrorPage(404, kHostile, kHostile),
  };
  for (const std::string& html : pages) {
    ExpectSafePage(html);
    EXPECT_NE(html.find(kEscapedScript), std::string::npos);
    EXPECT_EQ(html.find(kImg), std::string::npos);
    // "onerror=" only as text, inside the escaped tag (the parse finds no on* attribute).
    EXPECT_EQ(Count(html, "onerror="), Count(html, "&lt;img src=x onerror="));
    // A browser shows the hostile text as it is.
    EXPECT_NE(Parse(html).text.find(kHostile), std::string::npos);
  }
  // The hostile doc id is encoded in links.
  const Parsed parsed = Parse(DocumentsPage(status, list));
  EXPECT_TRUE(HasHref(parsed, "document?doc=" + EncodeQueryComponent(kHostile)));
}

TEST(WebPagesTest, InlineDiffShowsEachLineWithItsNumbersAndMarker) {
  const std::string html = DiffPage(Diff(kOddId, kSmallDiff), DiffLayout::kInline);
  ExpectSafePage(html);
  const std::string expected_rows =
      "<tr class=\"hunk\"><td colspan=\"4\">@@ -1,3 +1,4 @@</td></tr>\n"
      "<tr class=\"ctx\"><td class=\"ln\">1</td><td class=\"ln\">1</td>"
      "<td class=\"mark\"> </td><td class=\"code\"># Privacy</td></tr>\n"
      "<tr class=\"del\"><td class=\"ln\">2</td><td class=\"ln\"></td>"
      "<td class=\"mark\">\u2212<span class=\"vh\"> removed</span></td>"
      "<td class=\"code\"><del>We sell data.</del></td></tr>\n"
      "<tr class=\"add\"><td class=\"ln\"></td><td class=\"ln\">2</td>"
      "<td class=\"mark\">+<span class=\"vh\"> added</span></td>"
      "<td class=\"code\"><ins>We share data.</ins></td></tr>\n"
      "<tr class=\"add\"><td class=\"ln\"></td><td class=\"ln\">3</td>"
      "<td class=\"mark\">+<span class=\"vh\"> added</span></td>"
      "<td class=\"code\"><ins>With partners.</ins></td></tr>\n"
      "<tr class=\"ctx\"><td class=\"ln\">3</td><td class=\"ln\">4</td>"
      "<td class=\"mark\"> </td><td class=\"code\">Contact us.</td></tr>\n"
      "<tr class=\"hunk\"><td colspan=\"4\">@@ -10,2 +10,0 @@</td></tr>\n"
      "<tr class=\"del\"><td class=\"ln\">10</td><td class=\"ln\"></td>"
      "<td class=\"mark\">\u2212<span class=\"vh\"> removed</span></td>"
      "<td class=\"code\"><del>Old line ten.</del></td></tr>\n"
      "<tr class=\"del\"><td class=\"ln\">11</td><td class=\"ln\"></td>"
      "<td class=\"mark\">\u2212<span class=\"vh\"> removed</span></td>"
      "<td class=\"code\"><del>-- x</del></td></tr>\n"
      "</tbody>";
  EXPECT_NE(html.find("<tbody>\n" + expected_rows), std::string::npos) << html;
  // The labels are not rows.
  EXPECT_EQ(html.find("2026-11-20T08:00:00.000Z aaaaaaaaaaaa"), std::string::npos);
  // The header: document link, hashes, class and counts; sections; the other layout.
  const Parsed parsed = Parse(html);
  EXPECT_TRUE(HasHref(parsed, "document?doc=" + kOddIdEncoded));
  EXPECT_TRUE(HasHref(parsed, "diff?doc=" + kOddIdEncoded + "&a=" + kHashA + "&b=" + kHashB +
                                  "&layout=side-by-side"));
  EXPECT_TRUE(HasHref(parsed, "text?doc=" + kOddIdEncoded + "&hash=" + kHashA));
  EXPECT_TRUE(HasHref(parsed, "text?doc=" + kOddIdEncoded + "&hash=" + kHashB));
  EXPECT_NE(html.find("<strong aria-current=\"page\">inline</strong>"), std::string::npos);
  EXPECT_NE(html.find(kHashA.substr(0, 12) + "</code> \u2192 <code class=\"hash\" title=\"" +
                      kHashB + "\">" + kHashB.substr(0, 12)),
            std::string::npos);
  EXPECT_NE(html.find("<dt>Change</dt><dd>substantive</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Words</dt><dd>+3 / \u22126</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Lines</dt><dd>+2 / \u22123</dd>"), std::string::npos);
  EXPECT_NE(html.find("<li><em>(before the first heading)</em></li>\n<li># Privacy</li>"),
            std::string::npos);
  EXPECT_EQ(html.find("more section"), std::string::npos);
}

TEST(WebPagesTest, SideBySideDiffPairsRemovedWithFollowingAddedLines) {
  const std::string html = DiffPage(Diff("acme/privacy", kSmallDiff), DiffLayout::kSideBySide);
  ExpectSafePage(html);
  const std::string removed = "<td class=\"mark\">\u2212<span class=\"vh\"> removed</span></td>";
  const std::string added = "<td class=\"mark\">+<span class=\"vh\"> added</span></td>";
  const std::string empty =
      "<td class=\"ln\"></td><td class=\"mark\"></td><td class=\"code empty\"></td>";
  const std::string expected_rows =
      "<tr class=\"hunk\"><td colspan=\"6\">@@ -1,3 +1,4 @@</td></tr>\n"
      "<tr class=\"ctx\"><td class=\"ln\">1</td><td class=\"mark\"> </td>"
      "<td class=\"code\"># Privacy</td><td class=\"ln\">1</td><td class=\"mark\"> </td>"
      "<td class=\"code\"># Privacy</td></tr>\n"
      "<tr class=\"pair\"><td class=\"ln\">2</td>" +
      removed + "<td class=\"code\"><del>We sell data.</del></td><td class=\"ln\">2</td>" + added +
      "<td class=\"code\"><ins>We share data.</ins></td></tr>\n"
      "<tr class=\"pair\">" +
      empty + "<td class=\"ln\">3</td>" + added +
      "<td class=\"code\"><ins>With partners.</ins></td></tr>\n"
      "<tr class=\"ctx\"><td class=\"ln\">3</td><td class=\"mark\"> </td>"
      "<td class=\"code\">Contact us.</td><td class=\"ln\">4</td><td class=\"mark\"> </td>"
      "<td class=\"code\">Contact us.</td></tr>\n"
      "<tr class=\"hunk\"><td colspan=\"6\">@@ -10,2 +10,0 @@</td></tr>\n"
      "<tr class=\"pair\"><td class=\"ln\">10</td>" +
      removed + "<td class=\"code\"><del>Old line ten.</del></td>" + empty +
      "</tr>\n"
      "<tr class=\"pair\"><td class=\"ln\">11</td>" +
      removed + "<td class=\"code\"><del>-- x</del></td>" + empty +
      "</tr>\n"
      "</tbody>";
  EXPECT_NE(html.find("<tbody>\n" + expected_rows), std::string::npos) << html;
  EXPECT_TRUE(HasHref(Parse(html),
                      "diff?doc=acme%2Fprivacy&a=" + kHashA + "&b=" + kHashB + "&layout=inline"));
  EXPECT_NE(html.find("<strong aria-current=\"page\">side by side</strong>"), std::string::npos);
}

TEST(WebPagesTest, LineNumbersAgreeWithUnifiedDiffOutput) {
  // A real diff: 30 lines, line 5 removed, line 20 changed, a line added at the end.
  std::string old_text;
  std::string new_text;
  for (int i = 1; i <= 30; ++i) {
    const std::string line = "line " + std::to_string(i) + "\n";
    if (i != 5) new_text += i == 20 ? "line twenty\n" : line;
    old_text += line;
  }
  new_text += "appended\n";
  auto diff = UnifiedDiff(old_text, new_text, "old", "new");
  ASSERT_TRUE(diff.ok());
  const std::string html = DiffPage(Diff("acme/p", *diff), DiffLayout::kInline);
  EXPECT_NE(
      html.find("<td class=\"ln\">5</td><td class=\"ln\"></td><td class=\"mark\">\u2212"
                "<span class=\"vh\"> removed</span></td><td class=\"code\"><del>line 5</del>"),
      std::string::npos);
  EXPECT_NE(html.find("<td class=\"ln\">6</td><td class=\"ln\">5</td><td class=\"mark\"> "
                      "</td><td class=\"code\">line 6</td>"),
            std::string::npos);
  EXPECT_NE(
      html.find("<td class=\"ln\">20</td><td class=\"ln\"></td><td class=\"mark\">\u2212"
                "<span class=\"vh\"> removed</span></td><td class=\"code\"><del>line 20</del>"),
      std::string::npos);
  EXPECT_NE(html.find("<td class=\"ln\"></td><td class=\"ln\">19</td><td class=\"mark\">+"
                      "<span class=\"vh\"> added</span></td><td class=\"code\"><ins>line twenty"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"ln\"></td><td class=\"ln\">30</td><td class=\"mark\">+"
                      "<span class=\"vh\"> added</span></td><td class=\"code\"><ins>appended"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"ln\">30</td><td class=\"ln\">29</td>"), std::string::npos);
}

TEST(WebPagesTest, DiffPageMarksWordLevelLinesAndNotes) {
  const std::string text =
      "--- a\n+++ b\n@@ -4,2 +4,2 @@\n~We share data with [-partners-]{+affiliates+}\n-end\n"
      "\\ No newline at end of file\n+end.\n";
  const std::string html = DiffPage(Diff("acme/p", text), DiffLayout::kInline);
  EXPECT_NE(html.find("<tr class=\"chg\"><td class=\"ln\">4</td><td class=\"ln\">4</td>"
                      "<td class=\"mark\">~<span class=\"vh\"> changed</span></td>"
                      "<td class=\"code\">We share data with [-partners-]{+affiliates+}</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"note\"><td colspan=\"4\">\\ No newline at end of file</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"ln\">5</td><td class=\"ln\"></td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"ln\"></td><td class=\"ln\">5</td>"), std::string::npos);
}

TEST(WebPagesTest, EqualVersionsSayNoDifferences) {
  for (const DiffLayout layout : {DiffLayout::kInline, DiffLayout::kSideBySide}) {
    const std::string html = DiffPage(Diff("acme/p", ""), layout);
    ExpectSafePage(html);
    EXPECT_NE(html.find("<p>no differences</p>"), std::string::npos);
    EXPECT_EQ(html.find("<table class=\"diff"), std::string::npos);
  }
}

// A reread's diff is no change of the page: the summary says so before the text's class.
TEST(WebPagesTest, ARereadsDiffSaysThePageDidNotChange) {
  json diff = Diff("acme/p", kSmallDiff);
  const std::string change = "<dt>Change</dt><dd>";
  EXPECT_NE(DiffPage(diff, DiffLayout::kInline).find(change + "substantive</dd>"),
            std::string::npos);
  diff["reread"] = true;
  const std::string html = DiffPage(diff, DiffLayout::kInline);
  ExpectSafePage(html);
  EXPECT_NE(
      html.find(change + "reread: the page did not change, policyd reads it differently now (the "
                         "text: substantive)</dd>"),
      std::string::npos)
      << html;
}

TEST(WebPagesTest, HugeDiffIsCutWithANote) {
  std::string text = "--- a\n+++ b\n@@ -0,0 +1,10000 @@\n";
  for (int i = 1; i <= 10000; ++i) text += "+line " + std::to_string(i) + "\n";
  for (const DiffLayout layout : {DiffLayout::kInline, DiffLayout::kSideBySide}) {
    const std::string html = DiffPage(Diff("acme/p", text), layout);
    // The hunk header and 4,999 lines make the 5,000 rows shown; 5,001 lines are left out.
    EXPECT_EQ(Count(html, "<ins>"), kMaxDiffRows - 1);
    EXPECT_NE(html.find("<ins>line 4999</ins>"), std::string::npos);
    EXPECT_EQ(html.find("<ins>line 5000</ins>"), std::string::npos);
    EXPECT_NE(html.find("<p class=\"note\">5001 more diff lines are not shown: a page shows the "
                        "first 5000"),
              std::string::npos);
  }
  const std::string small = DiffPage(Diff("acme/p", kSmallDiff), DiffLayout::kInline);
  EXPECT_EQ(small.find("not shown"), std::string::npos);
}

TEST(WebPagesTest, SectionsLeftOutAreSaid) {
  json diff = Diff("acme/p", kSmallDiff);
  diff["sections_truncated"] = 7;
  EXPECT_NE(DiffPage(diff, DiffLayout::kInline).find("and 7 more sections, not listed"),
            std::string::npos);
}

TEST(WebPagesTest, MissingNullAndMistypedFieldsRenderAsDashes) {
  const std::vector<json> odd_inputs = {
      json(),
      json::object(),
      json::array({1, 2}),
      json("text"),
      json(42),
      {{"documents", "x"}, {"versions", 5}, {"first_pass", 3}, {"diff", 7}, {"sections", "s"}},
      {{"documents", {nullptr, 1, "x", json::object()}},
       {"versions", {nullptr, {{"index", "one"}}, json::object()}},
       {"recent_checks", {nullptr, 5}},
       {"id", nullptr},
       {"url", 5},
       {"select", {1, nullptr}},
       {"sections", {nullptr, 3}},
       {"headers", nullptr},
       {"event", json::array()}},
  };
  for (const json& input : odd_inputs) {
    SCOPED_TRACE(input.dump());
    std::vector<std::string> pages;
    ASSERT_NO_THROW({
      pages.push_back(DocumentsPage(input, input));
      pages.push_back(DocumentPage(input, input));
      pages.push_back(DiffPage(input, DiffLayout::kInline));
      pages.push_back(DiffPage(input, DiffLayout::kSideBySide));
      pages.push_back(EvidencePage(input));
    });
    for (const std::string& html : pages) {
      ExpectSafePage(html);
      EXPECT_NE(html.find("\u2014"), std::string::npos);
    }
  }
  // A document whose state is not known yet: every missing field is a dash, not "0" or "".
  const std::string html =
      DocumentsPage(json::object(), {{"documents", {{{"id", "acme/p"}}}}, {"total", 1}});
  EXPECT_NE(html.find("<dt>Database</dt><dd>\u2014</dd>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"status\">\u2014</td>"), std::string::npos);
}

TEST(WebPagesTest, EvidencePageShowsEveryFieldWithFullHashesAndTextLinks) {
  json evidence = Evidence(kOddId);
  evidence["final_url"] = "javascript:alert(1)";
  const std::string html = EvidencePage(evidence);
  ExpectSafePage(html);
  for (const auto& [key, value] : evidence.items()) {
    EXPECT_NE(html.find("<dt>" + key + "</dt>"), std::string::npos) << key;
  }
  for (const char* key : {"content-type", "etag", "seq", "type", "change_class"}) {
    EXPECT_NE(html.find("<dt>" + std::string(key) + "</dt>"), std::string::npos) << key;
  }
  EXPECT_NE(html.find("<dd>text/html; charset=utf-8</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd>&quot;xyz&quot;</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd>document.changed</dd>"), std::string::npos);
  EXPECT_NE(html.find("<code class=\"hash\">" + kHashB + "</code>"), std::string::npos);
  EXPECT_NE(html.find("<code class=\"hash\">" + kHashC + "</code>"), std::string::npos);
  const Parsed parsed = Parse(html);
  EXPECT_TRUE(HasHref(parsed, "text?doc=" + kOddIdEncoded + "&hash=" + kHashB));
  EXPECT_TRUE(HasHref(parsed, "text?doc=" + kOddIdEncoded + "&hash=" + std::string(64, 'f')));
  EXPECT_TRUE(HasHref(parsed, "document?doc=" + kOddIdEncoded));
  EXPECT_TRUE(HasHref(parsed, "https://www.coursera.org/about/privacy"));
  EXPECT_NE(html.find("<dt>final_url</dt><dd>javascript:alert(1)</dd>"), std::string::npos);
  EXPECT_NE(html.find("<title>Evidence: a&amp;b/&quot;q&quot; &lt;x&gt; #2 \u00b7 policyd</title>"),
            std::string::npos);
}

TEST(WebPagesTest, ErrorPageSaysStatusCodeAndMessage) {
  const std::string html = ErrorPage(404, "not_found", "no watched document 'acme/x'");
  ExpectSafePage(html);
  EXPECT_NE(html.find("<title>404 Not Found \u00b7 policyd</title>"), std::string::npos);
  EXPECT_NE(html.find("<code>not_found</code>: no watched document &#39;acme/x&#39;"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"./\">Back to the documents</a>"), std::string::npos);
  EXPECT_NE(ErrorPage(599, "", "").find("<title>599 Error"), std::string::npos);
}

TEST(WebPagesTest, StylesheetLoadsNothingFromElsewhere) {
  EXPECT_FALSE(kWebStylesheet.empty());
  for (const char* banned : {"url(", "@import", "</", "expression("}) {
    EXPECT_EQ(kWebStylesheet.find(banned), std::string_view::npos) << banned;
  }
  EXPECT_NE(kWebStylesheet.find(".vh"), std::string_view::npos);
  EXPECT_EQ(DiffLayoutName(DiffLayout::kInline), "inline");
  EXPECT_EQ(DiffLayoutName(DiffLayout::kSideBySide), "side-by-side");
}

}  // namespace
}  // namespace policyd
