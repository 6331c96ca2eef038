// DecodeToUtf8: the charset decision of the HTML standard (WHATWG "determining the character
// encoding"), simplified, plus transcoding with glibc iconv.
//
// Order: byte order mark; a UTF-16 Content-Type charset; then, deviating from the standard,
// bytes that are already valid UTF-8 are taken as UTF-8 whatever the label says (a page that
// is valid UTF-8 and contains non-ASCII sequences is practically never really Latin-1, and
// mislabelled UTF-8 is common; decoding it as declared would store mojibake and then "change"
// when the server fixes its header); then the Content-Type charset; then <meta charset> /
// <meta http-equiv> in the first 4 KiB; then uchardet; then windows-1252. A label that says
// UTF-8 on bytes with (almost) no valid multi-byte sequence is treated as a mislabel and
// detection decides. Invalid input becomes U+FFFD; NUL becomes U+FFFD.
#include <errno.h>
#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "charset.h"
#include "policyd/extract.h"
#include "policyd/utf8.h"
#include "unicode.h"

namespace policyd {
namespace extract_internal {
namespace {

// RAII for iconv_t.
class IconvHandle {
 public:
  IconvHandle(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~IconvHandle() {
    if (ok()) iconv_close(cd_);
  }
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

// RAII for uchardet_t.
struct UchardetDeleter {
  void operator()(std::remove_pointer_t<uchardet_t>* ud) const { uchardet_delete(ud); }
};
using UchardetPtr = std::unique_ptr<std::remove_pointer_t<uchardet_t>, UchardetDeleter>;

constexpr size_t kMaxDetectBytes = 256 * 1024;  // enough for a confident guess; bounds time

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool StartsWithNoCase(std::string_view text, size_t pos, std::string_view prefix) {
  if (text.size() - pos < prefix.size() || pos > text.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiLower(text[pos + i]) != prefix[i]) return false;
  }
  return true;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithNoCase(a, 0, b);
}

struct Alias {
  std::string_view label;
  std::string_view canonical;
};

// Every label of the WHATWG Encoding Standard (encoding.spec.whatwg.org, "Names and labels")
// whose canonical name differs from the lower-cased label: the decoder a browser uses for it.
// Any other label is used as is when iconv knows it (IconvName gives iconv's name where it
// differs). Not here: the labels of the "replacement" encoding (ISO-2022-KR, HZ-GB-2312,
// ISO-2022-CN).
constexpr Alias kAliases[] = {
    {"866", "ibm866"},
    {"ansi_x3.4-1968", "windows-1252"},
    {"arabic", "iso-8859-6"},
    {"ascii", "windows-1252"},
    {"asmo-708", "iso-8859-6"},
    {"big5-hkscs", "big5"},
    {"chinese", "gbk"},
    {"cn-big5", "big5"},
    {"cp1250", "windows-1250"},
    {"cp1251", "windows-1251"},
    {"cp1252", "windows-1252"},
    {"cp1253", "windows-1253"},
    {"cp1254", "windows-1254"},
    {"cp1255", "windows-1255"},
    {"cp1256", "windows-1256"},
    {"cp1257", "windows-1257"},
    {"cp1258", "windows-1258"},
    {"cp819", "windows-1252"},
    {"cp866", "ibm866"},
    {"csbig5", "big5"},
    {"cseuckr", "euc-kr"},
    {"cseucpkdfmtjapanese", "euc-jp"},
    {"csgb2312", "gbk"},
    {"csibm866", "ibm866"},
    {"csiso2022jp", "iso-2022-jp"},
    {"csiso58gb231280", "gbk"},
    {"csiso88596e", "iso-8859-6"},
    {"csiso88596i", "iso-8859-6"},
    {"csiso88598e", "iso-8859-8"},
    {"csiso88598i", "iso-8859-8"},
    {"csisolatin1", "windows-1252"},
    {"csisolatin2", "iso-8859-2"},
    {"csisolatin3", "iso-8859-3"},
    {"csisolatin4", "iso-8859-4"},
    {"csisolatin5", "windows-1254"},
    {"csisolatin6", "iso-8859-10"},
    {"csisolatin9", "iso-8859-15"},
    {"csisolatinarabic", "iso-8859-6"},
    {"csisolatincyrillic", "iso-8859-5"},
    {"csisolatingreek", "iso-8859-7"},
    {"csisolatinhebrew", "iso-8859-8"},
    {"cskoi8r", "koi8-r"},
    {"csksc56011987", "euc-kr"},
    {"csmacintosh", "macintosh"},
    {"csshiftjis", "shift_jis"},
    {"csunicode", "utf-16le"},
    {"cyrillic", "iso-8859-5"},
    {"dos-874", "windows-874"},
    {"ecma-114", "iso-8859-6"},
    {"ecma-118", "iso-8859-7"},
    {"elot_928", "iso-8859-7"},
    {"gb2312", "gbk"},
    {"gb_2312", "gbk"},
    {"gb_2312-80", "gbk"},
    {"greek", "iso-8859-7"},
    {"greek8", "iso-8859-7"},
    {"hebrew", "iso-8859-8"},
    {"ibm819", "windows-1252"},
    {"iso-10646-ucs-2", "utf-16le"},
    {"iso-8859-1", "windows-1252"},
    {"iso-8859-11", "windows-874"},
    {"iso-8859-6-e", "iso-8859-6"},
    {"iso-8859-6-i", "iso-8859-6"},
    {"iso-8859-8-e", "iso-8859-8"},
    {"iso-8859-8-i", "iso-8859-8"},
    {"iso-8859-9", "windows-1254"},
    {"iso-ir-100", "windows-1252"},
    {"iso-ir-101", "iso-8859-2"},
    {"iso-ir-109", "iso-8859-3"},
    {"iso-ir-110", "iso-8859-4"},
    {"iso-ir-126", "iso-8859-7"},
    {"iso-ir-127", "iso-8859-6"},
    {"iso-ir-138", "iso-8859-8"},
    {"iso-ir-144", "iso-8859-5"},
    {"iso-ir-148", "windows-1254"},
    {"iso-ir-149", "euc-kr"},
    {"iso-ir-157", "iso-8859-10"},
    {"iso-ir-58", "gbk"},
    {"iso8859-1", "windows-1252"},
    {"iso8859-10", "iso-8859-10"},
    {"iso8859-11", "windows-874"},
    {"iso8859-13", "iso-8859-13"},
    {"iso8859-14", "iso-8859-14"},
    {"iso8859-15", "iso-8859-15"},
    {"iso8859-2", "iso-8859-2"},
    {"iso8859-3", "iso-8859-3"},
    {"iso8859-4", "iso-8859-4"},
    {"iso8859-5", "iso-8859-5"},
    {"iso8859-6", "iso-8859-6"},
    {"iso8859-7", "iso-8859-7"},
    {"iso8859-8", "iso-8859-8"},
    {"iso8859-9", "windows-1254"},
    {"iso88591", "windows-1252"},
    {"iso885910", "iso-8859-10"},
    {"iso885911", "windows-874"},
    {"iso885913", "iso-8859-13"},
    {"iso885914", "iso-8859-14"},
    {"iso885915", "iso-8859-15"},
    {"iso88592", "iso-8859-2"},
    {"iso88593", "iso-8859-3"},
    {"iso88594", "iso-8859-4"},
    {"iso88595", "iso-8859-5"},
    {"iso88596", "iso-8859-6"},
    {"iso88597", "iso-8859-7"},
    {"iso88598", "iso-8859-8"},
    {"iso88599", "windows-1254"},
    {"iso_8859-1", "windows-1252"},
    {"iso_8859-15", "iso-8859-15"},
    {"iso_8859-1:1987", "windows-1252"},
    {"iso_8859-2", "iso-8859-2"},
    {"iso_8859-2:1987", "iso-8859-2"},
    {"iso_8859-3", "iso-8859-3"},
    {"iso_8859-3:1988", "iso-8859-3"},
    {"iso_8859-4", "iso-8859-4"},
    {"iso_8859-4:1988", "iso-8859-4"},
    {"iso_8859-5", "iso-8859-5"},
    {"iso_8859-5:1988", "iso-8859-5"},
    {"iso_8859-6", "iso-8859-6"},
    {"iso_8859-6:1987", "iso-8859-6"},
    {"iso_8859-7", "iso-8859-7"},
    {"iso_8859-7:1987", "iso-8859-7"},
    {"iso_8859-8", "iso-8859-8"},
    {"iso_8859-8:1988", "iso-8859-8"},
    {"iso_8859-9", "windows-1254"},
    {"iso_8859-9:1989", "windows-1254"},
    {"koi", "koi8-r"},
    {"koi8", "koi8-r"},
    {"koi8-ru", "koi8-u"},
    {"koi8_r", "koi8-r"},
    {"korean", "euc-kr"},
    {"ks_c_5601-1987", "euc-kr"},
    {"ks_c_5601-1989", "euc-kr"},
    {"ksc5601", "euc-kr"},
    {"ksc_5601", "euc-kr"},
    {"l1", "windows-1252"},
    {"l2", "iso-8859-2"},
    {"l3", "iso-8859-3"},
    {"l4", "iso-8859-4"},
    {"l5", "windows-1254"},
    {"l6", "iso-8859-10"},
    {"l9", "iso-8859-15"},
    {"latin1", "windows-1252"},
    {"latin2", "iso-8859-2"},
    {"latin3", "iso-8859-3"},
    {"latin4", "iso-8859-4"},
    {"latin5", "windows-1254"},
    {"latin6", "iso-8859-10"},
    {"logical", "iso-8859-8"},
    {"mac", "macintosh"},
    {"ms932", "shift_jis"},
    {"ms_kanji", "shift_jis"},
    {"shift-jis", "shift_jis"},
    {"sjis", "shift_jis"},
    {"sun_eu_greek", "iso-8859-7"},
    {"tis-620", "windows-874"},
    {"ucs-2", "utf-16le"},
    {"unicode", "utf-16le"},
    {"unicode-1-1-utf-8", "utf-8"},
    {"unicode11utf8", "utf-8"},
    {"unicode20utf8", "utf-8"},
    {"unicodefeff", "utf-16le"},
    {"unicodefffe", "utf-16be"},
    {"us-ascii", "windows-1252"},
    {"utf-16", "utf-16le"},
    {"utf8", "utf-8"},
    {"visual", "iso-8859-8"},
    {"windows-31j", "shift_jis"},
    {"windows-949", "euc-kr"},
    {"x-cp1250", "windows-1250"},
    {"x-cp1251", "windows-1251"},
    {"x-cp1252", "windows-1252"},
    {"x-cp1253", "windows-1253"},
    {"x-cp1254", "windows-1254"},
    {"x-cp1255", "windows-1255"},
    {"x-cp1256", "windows-1256"},
    {"x-cp1257", "windows-1257"},
    {"x-cp1258", "windows-1258"},
    {"x-euc-jp", "euc-jp"},
    {"x-gbk", "gbk"},
    {"x-mac-roman", "macintosh"},
    {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"x-sjis", "shift_jis"},
    {"x-unicode20utf8", "utf-8"},
    {"x-user-defined", "windows-1252"},
    {"x-x-big5", "big5"},
};
static_assert(std::is_sorted(std::begin(kAliases), std::end(kAliases),
                             [](const Alias& a, const Alias& b) { return a.label < b.label; }));

// The name glibc iconv should decode a canonical charset with (supersets where WHATWG
// decoders are supersets of the labelled charset).
std::string IconvName(std::string_view canonical) {
  if (canonical == "shift_jis") return "CP932";
  if (canonical == "euc-kr") return "CP949";
  if (canonical == "gbk") return "GB18030";
  if (canonical == "big5") return "BIG5-HKSCS";
  if (canonical == "x-mac-cyrillic") return "MAC-CYRILLIC";  // but for 0xFF: see Transcode
  return std::string(canonical);
}

// glibc's MAC-CYRILLIC is Mac OS's table before the euro: its 0xFF, and only that byte, is
// U+00A4 where WHATWG's x-mac-cyrillic (Mac OS 9 and later, what browsers decode) has U+20AC.
void EuroForMacCyrillicCurrencySign(std::string* utf8) {
  constexpr std::string_view kCurrencySign = "\xC2\xA4";
  constexpr std::string_view kEuro = "\xE2\x82\xAC";
  std::string fixed;
  std::size_t begin = 0;
  for (std::size_t at = utf8->find(kCurrencySign); at != std::string::npos;
       at = utf8->find(kCurrencySign, begin)) {
    fixed.append(*utf8, begin, at - begin).append(kEuro);
    begin = at + kCurrencySign.size();
  }
  if (begin == 0) return;
  fixed.append(*utf8, begin);
  *utf8 = std::move(fixed);
}

// Transcodes `bytes` from `canonical` to UTF-8 into *out. Returns false when iconv cannot open
// the conversion. Undecodable input becomes U+FFFD; never fails half-way.
bool Transcode(std::string_view canonical, std::string_view bytes, std::string* out) {
  const IconvHandle cd("UTF-8", IconvName(canonical).c_str());
  if (!cd.ok()) return false;
  const size_t unit = IsUtf16(canonical) ? 2 : 1;  // bytes skipped after an invalid sequence
  out->clear();
  out->resize(bytes.size() + bytes.size() / 2 + 16);
  size_t used = 0;
  // iconv wants char**, though it never writes through the input pointer.
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  auto append_replacement = [&]() {
    if (out->size() - used < 3) out->resize(out->size() * 2 + 16);
    std::memcpy(out->data() + used, "\xEF\xBF\xBD", 3);
    used += 3;
  };
  while (true) {
    char* out_ptr = out->data() + used;
    size_t out_left = out->size() - used;
    const size_t rc = in_left == 0 ? iconv(cd.get(), nullptr, nullptr, &out_ptr, &out_left)
                                   : iconv(cd.get(), &in, &in_left, &out_ptr, &out_left);
    used = static_cast<size_t>(out_ptr - out->data());
    if (rc != static_cast<size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    if (errno == E2BIG) {
      out->resize(out->size() * 2 + 16);
    } else if (errno == EILSEQ) {
      append_replacement();
      const size_t skip = std::min(unit, in_left);
      in += skip;
      in_left -= skip;
    } else {  // EINVAL: truncated sequence at the end; or anything unexpected
      append_replacement();
      break;
    }
  }
  out->resize(used);
  if (canonical == "x-mac-cyrillic") EuroForMacCyrillicCurrencySign(out);
  return true;
}

// Counts of well-formed multi-byte sequences and of invalid sequences in `bytes`.
struct Utf8Census {
  size_t multibyte = 0;
  size_t invalid = 0;
};

Utf8Census CountUtf8(std::string_view bytes) {
  Utf8Census census;
  size_t i = 0;
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t start = i;
    if (NextCodePoint(bytes, &i) == kReplacementChar &&
        bytes.substr(start, i - start) != "\xEF\xBF\xBD") {
      ++census.invalid;
    } else {
      ++census.multibyte;
    }
  }
  return census;
}

// What uchardet thinks `bytes` is, canonicalised; "" when it has no usable guess.
std::string Detect(std::string_view bytes) {
  const UchardetPtr ud(uchardet_new());
  if (!ud) return "";
  const std::string_view sample = bytes.substr(0, kMaxDetectBytes);
  if (uchardet_handle_data(ud.get(), sample.data(), sample.size()) != 0) return "";
  uchardet_data_end(ud.get());
  const char* name = uchardet_get_charset(ud.get());
  if (name == nullptr || *name == '\0') return "";
  return CanonicalCharset(name);
}

// Final output step: valid UTF-8 without NUL, whatever iconv produced.
void Sanitize(std::string* utf8) {
  if (std::memchr(utf8->data(), '\0', utf8->size()) == nullptr && IsValidUtf8(*utf8)) return;
  std::string repaired;
  RepairUtf8(*utf8, &repaired);
  utf8->swap(repaired);
}

// The UTF-8 of each byte 0x80..0xFF read as windows-1252, from iconv (U+FFFD for the five
// bytes windows-1252 leaves undefined).
const std::array<std::string, 128>& Windows1252HighBytes() {
  static const std::array<std::string, 128> table = [] {
    std::array<std::string, 128> utf8;
    for (int byte = 0x80; byte <= 0xFF; ++byte) {
      const char one = static_cast<char>(byte);
      std::string& out = utf8[static_cast<std::size_t>(byte - 0x80)];
      if (!Transcode("windows-1252", std::string_view(&one, 1), &out) || out.empty()) {
        out = "\xEF\xBF\xBD";
      }
    }
    return utf8;
  }();
  return table;
}

// UTF-8 with errors (a Latin-1 include, a quote pasted from a word processor): each byte of an
// invalid sequence is read as windows-1252, where such bytes nearly always come from, so that
// a paragraph reads the same whatever else the page holds (deciding for the whole page changed
// its mind when an edit elsewhere added or removed one multi-byte character). A sequence cut
// by the end of the body is U+FFFD. NUL bytes are dropped, as RepairUtf8 does.
void DecodeUtf8WithWindows1252Bytes(std::string_view bytes, std::string* utf8) {
  const std::array<std::string, 128>& high = Windows1252HighBytes();
  utf8->clear();
  utf8->reserve(bytes.size() + 16);
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead < 0x80) {
      if (lead != 0) utf8->push_back(bytes[i]);
      ++i;
      continue;
    }
    const size_t start = i;
    const std::string_view sequence =
        NextCodePoint(bytes, &i) == kReplacementChar ? bytes.substr(start, i - start) : "";
    if (sequence.empty() || sequence == "\xEF\xBF\xBD") {
      utf8->append(bytes.substr(start, i - start));
    } else if (i == bytes.size() && lead >= 0xC2 && lead <= 0xF4) {
      utf8->append("\xEF\xBF\xBD");  // a character cut by the end of the body
    } else {
      for (const char byte : sequence) {
        utf8->append(high[static_cast<unsigned char>(byte) - 0x80]);
      }
    }
  }
}

// Decodes bytes that claim (or are detected) to be UTF-8 but are not valid UTF-8. Legacy
// text practically never forms valid multi-byte sequences, while UTF-8 pages with a broken
// fragment (a Latin-1 include, a truncated string) have many: so the bytes are UTF-8 with
// errors unless invalid sequences outnumber valid multi-byte ones more than kMaxInvalidRatio
// to one. A page of ASCII with a few stray bytes (a pasted quote) is read the same way: no
// detector can tell a charset from kFewStrayBytes (uchardet said mac-centraleurope for one
// 0x92). Otherwise detection decides.
constexpr size_t kMaxInvalidRatio = 4;
constexpr size_t kFewStrayBytes = 8;

std::string DecodeInvalidUtf8(std::string_view bytes, std::string* utf8) {
  const Utf8Census census = CountUtf8(bytes);
  if ((census.multibyte > 0 && census.multibyte * kMaxInvalidRatio >= census.invalid) ||
      (census.multibyte == 0 && census.invalid <= kFewStrayBytes)) {
    DecodeUtf8WithWindows1252Bytes(bytes, utf8);
    return census.multibyte > 0 ? "utf-8" : "windows-1252";
  }
  std::string detected = Detect(bytes);
  if (detected.empty() || detected == "utf-8" || IsUtf16(detected)) detected = "windows-1252";
  if (!Transcode(detected, bytes, utf8)) {
    detected = "windows-1252";
    Transcode(detected, bytes, utf8);
  }
  Sanitize(utf8);
  return detected;
}

}  // namespace

bool IsUtf16(std::string_view canonical) { return canonical.starts_with("utf-16"); }

std::string_view CharsetParameter(std::string_view content_type) {
  size_t pos = 0;
  while (true) {
    // Find "charset" preceded by start, ';' or white space, followed by optional space and '='.
    size_t found = std::string_view::npos;
    for (size_t i = pos; i + 7 <= content_type.size(); ++i) {
      if (StartsWithNoCase(content_type, i, "charset")) {
        found = i;
        break;
      }
    }
    if (found == std::string_view::npos) return {};
    size_t i = found + 7;
    pos = i;
    while (i < content_type.size() && IsSpace(content_type[i])) ++i;
    if (i >= content_type.size() || content_type[i] != '=') continue;
    ++i;
    while (i < content_type.size() && IsSpace(content_type[i])) ++i;
    if (i >= content_type.size()) return {};
    const char quote = content_type[i];
    if (quote == '"' || quote == '\'') {
      const size_t end = content_type.find(quote, i + 1);
      if (end == std::string_view::npos) return {};
      return content_type.substr(i + 1, end - i - 1);
    }
    size_t end = i;
    while (end < content_type.size() && !IsSpace(content_type[end]) && content_type[end] != ';' &&
           content_type[end] != '"' && content_type[end] != '\'') {
      ++end;
    }
    return content_type.substr(i, end - i);
  }
}

std::string_view PrescanMetaCharset(std::string_view bytes, size_t limit) {
  const std::string_view head = bytes.substr(0, limit);
  size_t i = 0;
  while (i < head.size()) {
    const size_t lt = head.find('<', i);
    if (lt == std::string_view::npos) return {};
    i = lt;
    if (head.compare(i, 4, "<!--") == 0) {
      const size_t end = head.find("-->", i + 2);
      if (end == std::string_view::npos) return {};
      i = end + 3;
      continue;
    }
    const bool is_meta = StartsWithNoCase(head, i, "<meta") && i + 5 < head.size() &&
                         (IsSpace(head[i + 5]) || head[i + 5] == '/');
    const bool is_tag =
        i + 1 < head.size() && (std::isalpha(static_cast<unsigned char>(head[i + 1])) != 0 ||
                                head[i + 1] == '/' || head[i + 1] == '!' || head[i + 1] == '?');
    if (!is_tag) {
      ++i;
      continue;
    }
    // Walk the attributes (quoted values may contain '>').
    i += is_meta ? 5 : 1;
    while (i < head.size() && !IsSpace(head[i]) && head[i] != '>') ++i;
    std::string_view charset;
    std::string_view content;
    bool http_equiv_content_type = false;
    while (i < head.size() && head[i] != '>') {
      while (i < head.size() && (IsSpace(head[i]) || head[i] == '/')) ++i;
      if (i >= head.size() || head[i] == '>') break;
      const size_t name_start = i;
      while (i < head.size() && !IsSpace(head[i]) && head[i] != '=' && head[i] != '>' &&
             head[i] != '/') {
        ++i;
      }
      const std::string_view name = head.substr(name_start, i - name_start);
      while (i < head.size() && IsSpace(head[i])) ++i;
      std::string_view value;
      if (i < head.size() && head[i] == '=') {
        ++i;
        while (i < head.size() && IsSpace(head[i])) ++i;
        if (i < head.size() && (head[i] == '"' || head[i] == '\'')) {
          const size_t end = head.find(head[i], i + 1);
          if (end == std::string_view::npos) return {};
          value = head.substr(i + 1, end - i - 1);
          i = end + 1;
        } else {
          const size_t start = i;
          while (i < head.size() && !IsSpace(head[i]) && head[i] != '>') ++i;
          value = head.substr(start, i - start);
        }
      }
      if (!is_meta) continue;
      if (EqualsNoCase(name, "charset") && charset.empty()) charset = value;
      if (EqualsNoCase(name, "content") && content.empty()) content = value;
      if (EqualsNoCase(name, "http-equiv") && EqualsNoCase(value, "content-type")) {
        http_equiv_content_type = true;
      }
    }
    if (is_meta) {
      if (!charset.empty()) return charset;
      if (http_equiv_content_type) {
        const std::string_view from_content = CharsetParameter(content);
        if (!from_content.empty()) return from_content;
      }
    }
    if (i < head.size()) ++i;  // past '>'
  }
  return {};
}

std::string CanonicalCharset(std::string_view label) {
  while (!label.empty() && (IsSpace(label.front()) || label.front() == '"')) label.remove_prefix(1);
  while (!label.empty() && (IsSpace(label.back()) || label.back() == '"')) label.remove_suffix(1);
  if (label.empty() || label.size() > 40) return "";
  std::string lower;
  lower.reserve(label.size());
  for (const char c : label) {
    const char l = AsciiLower(c);
    // Only plain label characters: keeps iconv suffixes such as "//IGNORE" out.
    if (!std::isalnum(static_cast<unsigned char>(l)) && l != '-' && l != '_' && l != '.' &&
        l != ':') {
      return "";
    }
    lower.push_back(l);
  }
  const auto it =
      std::lower_bound(std::begin(kAliases), std::end(kAliases), lower,
                       [](const Alias& a, const std::string& b) { return a.label < b; });
  std::string canonical =
      (it != std::end(kAliases) && it->label == lower) ? std::string(it->canonical) : lower;
  if (canonical == "utf-8") return canonical;
  const IconvHandle probe("UTF-8", IconvName(canonical).c_str());
  return probe.ok() ? canonical : "";
}

}  // namespace extract_internal

using extract_internal::CanonicalCharset;

std::string DecodeToUtf8(std::string_view bytes, std::string_view content_type, std::string* utf8) {
  using namespace extract_internal;  // NOLINT: local helpers only
  utf8->clear();
  // 1. Byte order marks override everything.
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    RepairUtf8(bytes.substr(3), utf8);
    return "utf-8";
  }
  for (const auto& [bom, charset] :
       {std::pair<std::string_view, std::string_view>{"\xFE\xFF", "utf-16be"},
        {"\xFF\xFE", "utf-16le"}}) {
    if (bytes.starts_with(bom) && Transcode(charset, bytes.substr(2), utf8)) {
      Sanitize(utf8);
      return std::string(charset);
    }
  }
  const std::string header = CanonicalCharset(CharsetParameter(content_type));
  // 2. UTF-16 without BOM is only recognisable from its label (its ASCII is valid UTF-8).
  if (IsUtf16(header) && Transcode(header, bytes, utf8)) {
    Sanitize(utf8);
    return header;
  }
  // 2b. ISO-2022-JP is 7-bit, so always "valid UTF-8": only its label and its escape
  // sequences tell it (a browser decodes it; read as UTF-8 it is escape codes).
  for (const std::string& declared : {header, CanonicalCharset(PrescanMetaCharset(bytes))}) {
    if (declared == "iso-2022-jp" && std::memchr(bytes.data(), '\x1B', bytes.size()) != nullptr &&
        Transcode(declared, bytes, utf8)) {
      Sanitize(utf8);
      return declared;
    }
  }
  // 3. Fast path: valid UTF-8 (including pure ASCII).
  if (IsValidUtf8(bytes)) {
    if (std::memchr(bytes.data(), '\0', bytes.size()) == nullptr) {
      utf8->assign(bytes);
    } else {
      RepairUtf8(bytes, utf8);
    }
    return "utf-8";
  }
  // 4. Declared charsets: the HTTP header, then <meta>.
  for (const std::string& declared : {header, CanonicalCharset(PrescanMetaCharset(bytes))}) {
    if (declared.empty() || IsUtf16(declared)) continue;  // <meta> cannot declare UTF-16
    if (declared == "utf-8") return DecodeInvalidUtf8(bytes, utf8);
    if (Transcode(declared, bytes, utf8)) {
      Sanitize(utf8);
      return declared;
    }
  }
  // 5. Detection, then the WHATWG default for Western locales.
  return DecodeInvalidUtf8(bytes, utf8);
}

}  // namespace policyd
