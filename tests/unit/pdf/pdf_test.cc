// ExtractPdfText end to end: PDFs generated here (tests/support/pdf_writer.h), converted by the
// installed poppler-utils. qpdf (for encrypted fixtures) is in scripts/install-deps.sh.
#include "policyd/pdf.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/pdf_writer.h"

namespace policyd {
namespace {

namespace fs = std::filesystem;
using testing::AddParagraphs;
using testing::PdfPage;
using testing::WritePdf;

const char* const kBody[] = {
    "We collect the information you give us when you create an account, such as your name "
    "and your email address.",
    "We use it to provide the service, to keep it secure, and to tell you about changes to "
    "these terms.",
    "You may ask us at any time for a copy of the data we hold about you, or for its deletion.",
};

std::vector<std::string> Body() { return {std::begin(kBody), std::end(kBody)}; }

// A scratch directory for files the tests hand to other programs.
class PdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("policyd-pdf-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteFile(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  // The PDF encrypted by qpdf with these passwords ("" for no user password).
  std::string Encrypt(const std::string& pdf, const std::string& user) {
    WriteFile(dir_ / "plain.pdf", pdf);
    const std::string command = "qpdf --encrypt '" + user + "' owner 256 -- '" +
                                (dir_ / "plain.pdf").string() + "' '" +
                                (dir_ / "enc.pdf").string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return ReadFile(dir_ / "enc.pdf");
  }

  fs::path dir_;
};

TEST_F(PdfTest, PlainParagraphs) {
  PdfPage page;
  AddParagraphs(Body(), 72, 700, 11, 14, 60, &page);
  const PdfText result = ExtractPdfText(WritePdf({page}));
  ASSERT_EQ(result.error, PdfError::kNone) << result.message;
  EXPECT_EQ(result.pages, 1);
  EXPECT_EQ(result.text, std::string(kBody[0]) + "\n\n" + kBody[1] + "\n\n" + kBody[2] + "\n");
  EXPECT_GT(result.elapsed_us, 0);
}

TEST_F(PdfTest, HeadingsFromFontSizes) {
  PdfPage page;
  page.texts.push_back({72, 730, 22, "Privacy Policy"});
  page.texts.push_back({72, 690, 15, "What we collect"});
  double y = AddParagraphs({kBody[0]}, 72, 665, 11, 14, 60, &page);
  page.texts.push_back({72, y - 10, 15, "Your rights"});
  AddParagraphs({kBody[2]}, 72, y - 35, 11, 14, 60, &page);
  const PdfText result = ExtractPdfText(WritePdf({page}));
  ASSERT_EQ(result.error, PdfError::kNone) << result.message;
  EXPECT_EQ(result.text, std::string("# Privacy Policy\n\n## What we collect\n\n") + kBody[0] +
                             "\n\n## Your rights\n\n" + kBody[2] + "\n");
}

// Poppler's reading order: a column, then the next. (Paragraphs side by side at the same
// heights in both columns read like table rows to Poppler, and come out row by row.)
TEST_F(PdfTest, TwoColumnsComeOutColumnByColumn) {
  std::vector<std::string> left;
  std::vector<std::string> right;
  for (int i = 0; i < 4; ++i) {
    left.push_back("Left paragraph " + std::to_string(i) +
                   " explains how we collect and use the information that you give us when "
                   "you use the service, including " +
                   (i % 2 ? "device data and logs." : "account data."));
    right.push_back("Right paragraph " + std::to_string(i) +
                    " explains sharing with partners and processors, and the rights you have "
                    "under the law in your country" +
                    (i % 2 ? "." : " of residence and beyond."));
  }
  PdfPage page;
  AddParagraphs(left, 56, 740, 10, 12, 46, &page);
  AddParagraphs(right, 316, 740, 10, 12, 46, &page);
  const PdfText result = ExtractPdfText(WritePdf({page}));
  ASSERT_EQ(result.error, PdfError::kNone) << result.message;
  std::string expected;
  for (const auto* column : {&left, &right}) {
    for (const std::string& paragraph : *column) expected += paragraph + "\n\n";
  }
  expected.pop_back();
  EXPECT_EQ(result.text, expected);
}

// Three pages of the same words, with a running header (with a date) and a page-numbered
// footer; `shift` moves the body and the bands, `date` changes the header.
std::string Reissue(const std::string& date, double shift, bool numbers_as_page_of) {
  std::vector<PdfPage> pages(3);
  for (int i = 0; i < 3; ++i) {
    PdfPage& page = pages[static_cast<std::size_t>(i)];
    page.texts.push_back({72, 770 - shift, 9, "ACME Privacy Policy - effective " + date});
    AddParagraphs({kBody[static_cast<std::size_t>(i)]}, 72, 700 - shift * 3, 11, 14, 60, &page);
    const std::string number = std::to_string(i + 1);
    page.texts.push_back(
        {300 + shift, 30 + shift / 2, 9, numbers_as_page_of ? "Page " + number + " of 3" : number});
  }
  return WritePdf(pages);
}

TEST_F(PdfTest, RunningHeadersFootersAndPageNumbersAreDropped) {
  const PdfText first = ExtractPdfText(Reissue("2024-01-01", 0, true));
  ASSERT_EQ(first.error, PdfError::kNone) << first.message;
  EXPECT_EQ(first.pages, 3);
  EXPECT_EQ(first.text, std::string(kBody[0]) + "\n\n" + kBody[1] + "\n\n" + kBody[2] + "\n");
  // Re-issued with another date, bands and numbering: the same text, hence the same hash.
  const PdfText second = ExtractPdfText(Reissue("2025-06-30", 12, false));
  ASSERT_EQ(second.error, PdfError::kNone) << second.message;
  EXPECT_EQ(second.text, first.text);
}

TEST_F(PdfTest, ParagraphCutByAPageBreakIsJoined) {
  std::vector<PdfPage> pages(2);
  pages[0].texts.push_back({72, 80, 11, "We keep your data for as long as your account"});
  pages[1].texts.push_back({72, 700, 11, "exists, and delete it within thirty days."});
  const PdfText result = ExtractPdfText(WritePdf(pages));
  ASSERT_EQ(result.error, PdfError::kNone) << result.message;
  EXPECT_EQ(result.text,
            "We keep your data for as long as your account exists, and delete it within thirty "
            "days.\n");
}

TEST_F(PdfTest, HyphenationAtLineEndsIsUndone) {
  PdfPage page;
  page.texts.push_back({72, 700, 11, "We process personal informa-"});
  page.texts.push_back({72, 686, 11, "tion only when you opt-in, and store"});
  page.texts.push_back({72, 672, 11, "test results about COVID-"});
  page.texts.push_back({72, 658, 11, "19 separately."});
  const PdfText result = ExtractPdfText(WritePdf({page}));
  ASSERT_EQ(result.error, PdfError::kNone) << result.message;
  EXPECT_EQ(result.text,
            "We process personal information only when you opt-in, and store test results about "
            "COVID-19 separately.\n");
}

TEST_F(PdfTest, NoTextLayerIsNoText) {
  PdfPage page;
  page.rects.push_back({100, 100, 400, 500});  // what a scan's image looks like to pdftotext
  const PdfText result = ExtractPdfText(WritePdf({page, page}));
  EXPECT_EQ(result.error, PdfError::kNoText);
  EXPECT_STREQ(PdfErrorReason(result.error), "pdf_no_text");
  EXPECT_EQ(result.text, "");
  EXPECT_EQ(result.pages, 2);
}

// A scan whose only text is a typed title (or a stamp) has no text layer worth the name: stored
// as the document, that line made every later scan, whatever it said, "unchanged".
TEST_F(PdfTest, AScanWithATypedTitleIsNoText) {
  std::vector<PdfPage> pages(4);
  for (PdfPage& page : pages) page.rects.push_back({100, 100, 400, 500});
  pages[0].texts.push_back({72, 700, 11, "Acme Inc. - Terms of Service (signed copy)"});
  const PdfText result = ExtractPdfText(WritePdf(pages));
  EXPECT_EQ(result.error, PdfError::kNoText);
  EXPECT_EQ(result.message, "the PDF has no text layer (8 words on 4 pages: a scanned document?)");
}

TEST_F(PdfTest, OnlyPageFurnitureIsNoText) {
  std::vector<PdfPage> pages(2);
  pages[0].texts.push_back({300, 30, 9, "1"});
  pages[1].texts.push_back({300, 30, 9, "2"});
  EXPECT_EQ(ExtractPdfText(WritePdf(pages)).error, PdfError::kNoText);
}

TEST_F(PdfTest, UserPasswordIsEncrypted) {
  PdfPage page;
  AddParagraphs(Body(), 72, 700, 11, 14, 60, &page);
  const std::string encrypted = Encrypt(WritePdf({page}), "secret");
  const PdfText result = ExtractPdfText(encrypted);
  EXPECT_EQ(result.error, PdfError::kEncrypted) << result.message;
  EXPECT_STREQ(PdfErrorReason(result.error), "pdf_encrypted");
  EXPECT_EQ(result.text, "");
}

TEST_F(PdfTest, OwnerPasswordOnlyIsExtracted) {
  PdfPage page;
  AddParagraphs(Body(), 72, 700, 11, 14, 60, &page);
  const PdfText plain = ExtractPdfText(WritePdf({page}));
  const PdfText result = ExtractPdfText(Encrypt(WritePdf({page}), ""));
  ASSERT_EQ(result.error, PdfError::kNone) << result.message;
  EXPECT_EQ(result.text, plain.text);
}

TEST_F(PdfTest, MalformedFilesFailWithoutHarm) {
  PdfPage page;
  AddParagraphs(Body(), 72, 700, 11, 14, 60, &page);
  const std::string valid = WritePdf({page});
  const std::string nested_array =
      testing::AssemblePdf({"<< /Type /Catalog /Pages 2 0 R /X " + std::string(200000, '[') +
                                std::string(200000, ']') + " >>",
                            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"});
  const std::string nested_dictionary = testing::AssemblePdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
       "<< /Length 200000 >>\nstream\n" + std::string(200000, '[') + "\nendstream"});
  const std::string huge_count = testing::AssemblePdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 100000000 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"});
  const struct {
    const char* name;
    std::string bytes;
  } cases[] = {
      {"empty", ""},
      {"truncated", valid.substr(0, 200)},
      {"garbage", "%PDF-1.7\n" + std::string(5000, '\x9c') + " garbage ) >> endobj ["},
      {"nested array", nested_array},
      {"nested content", nested_dictionary},
      {"huge page count", huge_count},
  };
  for (const auto& c : cases) {
    const PdfText result = ExtractPdfText(c.bytes);
    EXPECT_TRUE(result.error == PdfError::kMalformed || result.error == PdfError::kTooLarge ||
                result.error == PdfError::kNoText)
        << c.name << ": " << PdfErrorReason(result.error) << " " << result.message;
    EXPECT_EQ(result.text, "") << c.name;
  }
  EXPECT_EQ(ExtractPdfText(huge_count).error, PdfError::kMalformed);
  EXPECT_EQ(ExtractPdfText("%PDF-1.7\nnot a pdf").error, PdfError::kMalformed);
}

TEST_F(PdfTest, TooManyPagesIsTooLarge) {
  std::vector<PdfPage> pages(5);
  for (PdfPage& page : pages) AddParagraphs({kBody[0]}, 72, 700, 11, 14, 60, &page);
  PdfOptions options;
  options.max_pages = 4;
  const PdfText result = ExtractPdfText(WritePdf(pages), options);
  EXPECT_EQ(result.error, PdfError::kTooLarge);
  EXPECT_STREQ(PdfErrorReason(result.error), "pdf_too_large");
  EXPECT_EQ(result.pages, 5);
  options.max_pages = 5;
  EXPECT_EQ(ExtractPdfText(WritePdf(pages), options).error, PdfError::kNone);
}

TEST_F(PdfTest, TooMuchOutputIsTooLarge) {
  PdfPage page;
  AddParagraphs(Body(), 72, 700, 11, 14, 60, &page);
  PdfOptions options;
  options.max_output_bytes = 2000;  // pdftotext's XHTML for this page is larger
  EXPECT_EQ(ExtractPdfText(WritePdf({page}), options).error, PdfError::kTooLarge);
}

// pdftotext runs over a few pages at a time so that the XHTML read at once, and the tree built
// from it, stay small: one 32 MB output used to cost the daemon 600 MB. A run that prints too
// much is split; the text is the same as from one run. A page that alone prints too much is
// too large.
TEST_F(PdfTest, PagesAreConvertedInRunsOfBoundedOutput) {
  std::vector<PdfPage> pages(3);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    AddParagraphs(Body(), 72, 700, 11, 14, 60, &pages[i]);
    pages[i].texts.push_back({72, 400, 11, "Section " + std::to_string(i + 1) + " ends here."});
  }
  const std::string pdf = WritePdf(pages);
  const PdfText whole = ExtractPdfText(pdf);
  ASSERT_EQ(whole.error, PdfError::kNone) << whole.message;
  // The smallest total output the conversion fits in: what one run prints for all three pages.
  std::size_t low = 1;
  std::size_t high = 1u << 20;
  while (low < high) {
    PdfOptions options;
    options.max_output_bytes = (low + high) / 2;
    if (ExtractPdfText(pdf, options).error == PdfError::kNone) {
      high = options.max_output_bytes;
    } else {
      low = options.max_output_bytes + 1;
    }
  }
  PdfOptions split;
  split.max_run_output_bytes = low / 2;  // one page fits, three do not
  const PdfText in_runs = ExtractPdfText(pdf, split);
  ASSERT_EQ(in_runs.error, PdfError::kNone) << in_runs.message;
  EXPECT_EQ(in_runs.text, whole.text);
  split.max_run_output_bytes = 100;
  const PdfText too_large = ExtractPdfText(pdf, split);
  EXPECT_EQ(too_large.error, PdfError::kTooLarge);
  EXPECT_EQ(too_large.message, "page 1 alone made pdftotext print more than 100 bytes");
}

TEST_F(PdfTest, HangingToolTimesOutAndIsReaped) {
  const fs::path tools = dir_ / "tools";
  fs::create_directories(tools);
  for (const char* name : {"pdfinfo", "pdftotext"}) {
    WriteFile(tools / name, "#!/bin/sh\nsleep 30\necho 'Pages: 1'\n");
    fs::permissions(tools / name, fs::perms::owner_all);
  }
  PdfOptions options;
  options.tools_dir = tools;
  options.timeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  const PdfText result = ExtractPdfText("%PDF-1.4\n", options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(result.error, PdfError::kTimeout);
  EXPECT_STREQ(PdfErrorReason(result.error), "pdf_timeout");
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);  // no zombie left
  EXPECT_EQ(errno, ECHILD);
}

TEST_F(PdfTest, MissingToolsAreUnavailable) {
  PdfOptions options;
  options.tools_dir = dir_ / "no-such-dir";
  const PdfText result = ExtractPdfText("%PDF-1.4\n", options);
  EXPECT_EQ(result.error, PdfError::kUnavailable);
  EXPECT_STREQ(PdfErrorReason(result.error), "pdf_unavailable");
  EXPECT_NE(result.message.find("pdfinfo"), std::string::npos) << result.message;
}

TEST_F(PdfTest, TemporaryFilesAreRemoved) {
  const fs::path tmp = dir_ / "tmp";
  fs::create_directories(tmp);
  ::setenv("TMPDIR", tmp.c_str(), 1);
  PdfPage page;
  AddParagraphs(Body(), 72, 700, 11, 14, 60, &page);
  EXPECT_EQ(ExtractPdfText(WritePdf({page})).error, PdfError::kNone);
  ExtractPdfText("%PDF-1.4 broken");
  ::unsetenv("TMPDIR");
  EXPECT_TRUE(fs::is_empty(tmp));
}

TEST(PdfErrorReasonTest, StableNames) {
  EXPECT_STREQ(PdfErrorReason(PdfError::kNone), "");
  EXPECT_STREQ(PdfErrorReason(PdfError::kMalformed), "pdf_malformed");
  EXPECT_STREQ(PdfErrorReason(PdfError::kTimeout), "pdf_timeout");
  EXPECT_STREQ(PdfErrorReason(PdfError::kUnavailable), "pdf_unavailable");
}

}  // namespace
}  // namespace policyd
