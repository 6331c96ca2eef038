// SniffBody: what the first bytes of a body say it is (include/policyd/extract.h).
#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "charset.h"
#include "policyd/ascii.h"
#include "policyd/extract.h"
#include "policyd/media_type.h"

namespace policyd {
namespace {

// The WHATWG MIME sniffing standard's "binary data byte".
bool IsBinaryDataByte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte <= 0x08 || byte == 0x0B || (byte >= 0x0E && byte <= 0x1A) ||
         (byte >= 0x1C && byte <= 0x1F);
}

// The first bytes of compressed streams, archives and images: never the start of a page.
bool HasBinarySignature(std::string_view bytes) {
  static constexpr std::array<std::string_view, 12> kSignatures = {
      std::string_view("\x1F\x8B\x08", 3),      // gzip (deflate)
      std::string_view("\x28\xB5\x2F\xFD", 4),  // zstd
      std::string_view("\x78\x9C", 2),          // zlib, default compression
      std::string_view("\x78\xDA", 2),          // zlib, best compression
      std::string_view("BZh", 3),               // bzip2 (with its block magic, below)
      std::string_view("\xFD"
                       "7zXZ\0",
                       6),                       // xz
      std::string_view("PK\x03\x04", 4),         // zip
      std::string_view("\x89PNG\r\n\x1A\n", 8),  // PNG
      std::string_view("\xFF\xD8\xFF", 3),       // JPEG
      std::string_view("GIF87a", 6),
      std::string_view("GIF89a", 6),
      std::string_view("RIFF", 4),  // WebP (with "WEBP" at offset 8, below)
  };
  for (const std::string_view signature : kSignatures) {
    if (!bytes.starts_with(signature)) continue;
    if (signature == "BZh") return bytes.size() >= 10 && bytes.substr(4, 6) == "1AY&SY";
    if (signature == "RIFF") return bytes.size() >= 12 && bytes.substr(8, 4) == "WEBP";
    return true;
  }
  return false;
}

// Unmarked UTF-16 of mostly ASCII text: NUL on every other byte.
bool LooksLikeUtf16(std::string_view head) {
  std::array<std::size_t, 2> nuls = {0, 0};
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head[i] == '\0') ++nuls[i % 2];
  }
  return std::max(nuls[0], nuls[1]) * 4 >= head.size();
}

// More binary data bytes than a page ever holds in its first 1024 bytes: a few stray control
// characters pasted from a word processor are common, a compressed stream has about a hundred.
constexpr std::size_t kBinaryBytesInAPage = 16;

// "%PDF-" first, or after a byte order mark and white space a server or an editor put before
// it (Poppler reads such a file, and so must the check: it was refused as binary data).
bool StartsPdf(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const std::size_t start =
      bytes.substr(0, 1024).find_first_not_of(std::string_view(" \t\r\n\f\0", 6));
  return start != std::string_view::npos && bytes.substr(start).starts_with("%PDF-");
}

}  // namespace

BodySniff SniffBody(std::string_view bytes, std::string_view content_type) {
  if (StartsPdf(bytes)) return BodySniff::kPdf;
  const std::string media_type = MediaType(content_type);
  const std::string_view head = bytes.substr(0, 1024);
  if (!media_type.empty() && media_type != "text/plain") {
    if (HasBinarySignature(bytes)) return BodySniff::kBinary;
    const auto binary_bytes =
        static_cast<std::size_t>(std::count_if(head.begin(), head.end(), IsBinaryDataByte));
    return binary_bytes >= kBinaryBytesInAPage && !LooksLikeUtf16(head) ? BodySniff::kBinary
                                                                        : BodySniff::kText;
  }
  for (const std::string_view bom : {"\xEF\xBB\xBF", "\xFE\xFF", "\xFF\xFE"}) {
    if (bytes.starts_with(bom)) return BodySniff::kText;
  }
  if (extract_internal::IsUtf16(
          extract_internal::CanonicalCharset(extract_internal::CharsetParameter(content_type)))) {
    return BodySniff::kText;
  }
  const bool binary = std::any_of(head.begin(), head.end(), IsBinaryDataByte);
  return binary ? BodySniff::kBinary : BodySniff::kText;
}

}  // namespace policyd
