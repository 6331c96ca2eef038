// CompiledExtraction (settings compiled once per document, shared by its checks) and
// SniffBody (PDF and binary bodies are not pages).
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/extract.h"
#include "policyd/media_type.h"

namespace policyd {
namespace {

constexpr char kPage[] = R"(<html><body><nav>Menu</nav><main>
<h1>Terms</h1><p>Intro. Generated in 0.2 s</p>
<p>See <a href="/a?utm_source=x&amp;id=3">the annex</a>.</p>
<aside class="ad">Buy now</aside>
</main></body></html>)";

ExtractOptions FullOptions() {
  ExtractOptions options;
  options.select = {"main"};
  options.remove = {".ad"};
  options.ranges = {{"h1", "", "", "p"}};
  options.ignore_lines = {"Generated in"};
  options.include_link_urls = true;
  return options;
}

TEST(CompiledExtractionTest, GivesExactlyTheTextOfTheOptionsItWasCompiledFrom) {
  const ExtractOptions options = FullOptions();
  auto compiled = CompiledExtraction::Compile(options);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  ExtractResult direct;
  ASSERT_TRUE(ExtractText(kPage, options, &direct).ok());
  const ExtractResult shared = ExtractText(kPage, **compiled, "text/html");
  EXPECT_EQ(shared.text, direct.text);
  EXPECT_EQ(shared.text, "# Terms\n\nSee [the annex](/a?id=3).\n");
  EXPECT_EQ(shared.lines, 2u);
}

TEST(CompiledExtractionTest, OneInstanceIsUsedByManyThreadsAtOnce) {
  auto compiled = CompiledExtraction::Compile(FullOptions());
  ASSERT_TRUE(compiled.ok());
  const std::shared_ptr<const CompiledExtraction> shared = *compiled;
  std::vector<std::string> texts(4);
  std::vector<std::thread> threads;
  for (std::string& text : texts) {
    threads.emplace_back([&shared, &text] {
      for (int i = 0; i < 20; ++i) text = ExtractText(kPage, *shared, "").text;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& text : texts) EXPECT_EQ(text, "# Terms\n\nSee [the annex](/a?id=3).\n");
}

TEST(CompiledExtractionTest, AutomaticSettingsShareOneInstance) {
  auto a = CompiledExtraction::Compile(ExtractOptions{});
  ExtractOptions html;
  html.content_type = "text/html";
  auto b = CompiledExtraction::Compile(html);
  ExtractOptions links;
  links.include_link_urls = true;
  auto c = CompiledExtraction::Compile(links);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_NE(a->get(), c->get());  // link URLs are a setting of their own
  EXPECT_EQ(ExtractText(kPage, **c, "").text.find("[the annex](/a?id=3)") != std::string::npos,
            true);
}

struct BadEntry {
  ExtractOptions options;
  ExtractEntry::List list;
  std::size_t index;
  std::string message;
};

BadEntry Bad(ExtractEntry::List list, std::size_t index, std::string message) {
  return {ExtractOptions(), list, index, std::move(message)};
}

TEST(CompiledExtractionTest, SaysWhichEntryDoesNotCompile) {
  std::vector<BadEntry> cases;
  cases.push_back(Bad(ExtractEntry::List::kSelect, 1, "select: invalid selector"));
  cases.back().options.select = {"main", "div[[["};
  cases.push_back(Bad(ExtractEntry::List::kRemove, 0, "remove: invalid selector"));
  cases.back().options.remove = {"div[[["};
  cases.push_back(Bad(ExtractEntry::List::kRanges, 1, "select range: invalid selector"));
  cases.back().options.ranges = {{"h1", "", "", "p"}, {"", "x", "[", ""}};
  cases.push_back(Bad(ExtractEntry::List::kRanges, 0, "select range: a range needs exactly one"));
  cases.back().options.ranges = {{"h1", "", "", ""}};
  cases.push_back(Bad(ExtractEntry::List::kIgnoreLines, 2,
                      "ignore_lines: invalid regular expression '(unclosed'"));
  cases.back().options.ignore_lines = {"fine", "ok", "(unclosed"};
  for (const BadEntry& bad : cases) {
    ExtractEntry failed;
    auto compiled = CompiledExtraction::Compile(bad.options, &failed);
    ASSERT_FALSE(compiled.ok()) << bad.message;
    EXPECT_EQ(compiled.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(compiled.status().message().rfind(bad.message, 0), 0u) << compiled.status().message();
    EXPECT_EQ(failed.list, bad.list) << bad.message;
    EXPECT_EQ(failed.index, bad.index) << bad.message;
    // The one-shot form refuses the same options the same way.
    ExtractResult result;
    EXPECT_EQ(ExtractText(kPage, bad.options, &result).message(), compiled.status().message());
  }
}

TEST(MediaTypeTest, LowerCaseWithoutParametersOrSpaces) {
  EXPECT_EQ(MediaType("Text/HTML; charset=ISO-8859-1"), "text/html");
  EXPECT_EQ(MediaType("  application/pdf  "), "application/pdf");
  EXPECT_EQ(MediaType("\tapplication/xhtml+xml;q=1"), "application/xhtml+xml");
  EXPECT_EQ(MediaType(""), "");
  EXPECT_EQ(MediaType("; charset=utf-8"), "");
  // Not a media type (WHATWG MIME Sniffing: an invalid value is as good as none): "", so that
  // the body is sniffed as for a missing header instead of refused as an unknown type.
  EXPECT_EQ(MediaType("   "), "");
  EXPECT_EQ(MediaType("html"), "");
  EXPECT_EQ(MediaType("text/html charset=utf-8"), "");
  EXPECT_EQ(MediaType("text/"), "");
  EXPECT_EQ(MediaType("/html"), "");
  EXPECT_EQ(MediaType("text/html/x"), "");
  EXPECT_EQ(MediaType("text/vnd.a+b-c_d.e"), "text/vnd.a+b-c_d.e");
}

TEST(SniffBodyTest, PdfIsNeverAPageWhateverItsLabel) {
  const std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\n";
  EXPECT_EQ(SniffBody(pdf, ""), BodySniff::kPdf);
  EXPECT_EQ(SniffBody(pdf, "text/html; charset=utf-8"), BodySniff::kPdf);
  EXPECT_EQ(SniffBody(pdf, "text/plain"), BodySniff::kPdf);
  // A CRLF or a byte order mark before it (Poppler reads such files): a PDF still, it was
  // refused as binary data when served as application/octet-stream.
  EXPECT_EQ(SniffBody("\r\n" + pdf, "application/octet-stream"), BodySniff::kPdf);
  EXPECT_EQ(SniffBody("\xEF\xBB\xBF" + pdf, ""), BodySniff::kPdf);
  // Text that mentions it is text.
  EXPECT_EQ(SniffBody("<p>%PDF-1.7 files</p>", "text/html"), BodySniff::kText);
}

TEST(SniffBodyTest, BinaryBytesWithoutALabelOrAsPlainText) {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  EXPECT_EQ(SniffBody(png, ""), BodySniff::kBinary);
  EXPECT_EQ(SniffBody(png, "text/plain"), BodySniff::kBinary);
  const std::string gzip("\x1f\x8b\x08\0\0\0\0\0", 8);
  EXPECT_EQ(SniffBody(gzip, ""), BodySniff::kBinary);
  // A page the server calls HTML is extracted as HTML (a stray control byte is not binary).
  EXPECT_EQ(SniffBody(std::string("<p>a\x01</p>"), "text/html"), BodySniff::kText);
  // Only the first 1024 bytes count.
  EXPECT_EQ(SniffBody(std::string(1024, 'a') + std::string(1, '\0'), ""), BodySniff::kText);
  EXPECT_EQ(SniffBody(std::string(1023, 'a') + std::string(1, '\0'), ""), BodySniff::kBinary);
}

// What a misconfigured server sends as text/html: a pre-compressed file without its
// Content-Encoding, an image behind a page's URL. Extracted, it would be stored as garbage.
TEST(SniffBodyTest, ACompressedStreamOrAnImageLabelledHtmlIsBinary) {
  std::mt19937 random(7);
  std::string noise(2048, '\0');
  for (char& c : noise) c = static_cast<char>(random() & 0xFF);
  const std::string gzip = std::string("\x1f\x8b\x08\0\0\0\0\0\0\x03", 10) + noise;
  EXPECT_EQ(SniffBody(gzip, "text/html; charset=utf-8"), BodySniff::kBinary);
  EXPECT_EQ(SniffBody(gzip, "application/xhtml+xml"), BodySniff::kBinary);
  // A stream without a signature (brotli) is told by its many binary bytes.
  EXPECT_EQ(SniffBody(noise, "text/html"), BodySniff::kBinary);
  for (const std::string& image :
       {std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), std::string("\xFF\xD8\xFF\xE0"),
        std::string("GIF89a\x01\0\x01\0", 10), std::string("RIFF\x24\0\0\0WEBPVP8 ", 16),
        std::string("PK\x03\x04\x14\0", 6), std::string("\x28\xB5\x2F\xFD", 4)}) {
    EXPECT_EQ(SniffBody(image, "text/html"), BodySniff::kBinary) << image.substr(0, 4);
  }
  // Unmarked UTF-16 HTML holds NUL bytes on every other byte: it is text.
  std::string utf16;
  for (const char c : std::string("<html><body><p>We collect your email address.</p>")) {
    utf16 += c;
    utf16 += '\0';
  }
  EXPECT_EQ(SniffBody(utf16, "text/html"), BodySniff::kText);
  // A few stray control bytes in a page (pasted from a word processor) do not make it binary.
  EXPECT_EQ(SniffBody("<p>Terms\x0B of\x08 use\x1A \x01\x02\x03</p>", "text/html"),
            BodySniff::kText);
}

TEST(SniffBodyTest, TextIsText) {
  EXPECT_EQ(SniffBody("<!doctype html><p>Privacy</p>\r\n\t\f", ""), BodySniff::kText);
  EXPECT_EQ(SniffBody("", ""), BodySniff::kText);
  EXPECT_EQ(SniffBody("Plain policy text.\n", "text/plain"), BodySniff::kText);
  EXPECT_EQ(SniffBody("caf\xC3\xA9 \x1B[0m", "text/html"), BodySniff::kText);
  // UTF-16 holds NUL bytes: with a byte order mark or a UTF-16 label it is text.
  const std::string utf16le("\xFF\xFE<\0p\0>\0", 8);
  EXPECT_EQ(SniffBody(utf16le, ""), BodySniff::kText);
  const std::string unmarked("<\0p\0>\0", 6);
  EXPECT_EQ(SniffBody(unmarked, "text/plain; charset=UTF-16LE"), BodySniff::kText);
  EXPECT_EQ(SniffBody(unmarked, ""), BodySniff::kBinary);
}

}  // namespace
}  // namespace policyd
