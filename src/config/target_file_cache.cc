#include "policyd/target_file_cache.h"

#include <algorithm>
#include <utility>

#include "policyd/binary_record.h"
#include "policyd/file_read.h"
#include "policyd/private_files.h"
#include "policyd/sha256.h"

namespace policyd {
namespace {

// A field added to DocumentSpec must be cached too (a new format): this is here to say so.
static_assert(sizeof(DocumentSpec) == 256, "DocumentSpec changed: update the target file cache");

constexpr std::string_view kMagic = "policyd target cache\n";
constexpr uint32_t kFormat = 1;
// A million documents take ~146 MB; the bound only keeps a stray huge file from being read.
constexpr std::size_t kMaxCacheBytes = std::size_t{4} << 30;

constexpr uint8_t kIgnoreRobotsFlag = 0x01;
constexpr uint8_t kIncludeLinkUrlsFlag = 0x02;
constexpr uint8_t kLastRenderMode = static_cast<uint8_t>(RenderMode::kBrowser);
// The fewest bytes a document takes (three empty texts, the fixed fields, six empty lists):
// a corrupt count cannot make a reservation larger than the body could hold.
constexpr std::size_t kMinDocumentBytes = 3 * 4 + 8 + 2 + 2 * 4 + 6 * 4;

void PutTexts(const std::vector<std::string>& texts, std::string* out) {
  PutLittleEndian(static_cast<uint32_t>(texts.size()), out);
  for (const std::string& text : texts) PutLengthPrefixed(text, out);
}

void PutRanges(const std::vector<SelectRange>& ranges, std::string* out) {
  PutLittleEndian(static_cast<uint32_t>(ranges.size()), out);
  for (const SelectRange& range : ranges) {
    for (const std::string* text :
         {&range.start_before, &range.start_after, &range.end_before, &range.end_after}) {
      PutLengthPrefixed(*text, out);
    }
  }
}

void PutDocument(const CachedDocument& document, std::string* out) {
  const DocumentSpec& spec = *document.spec;
  PutLengthPrefixed(spec.id, out);
  PutLengthPrefixed(spec.type, out);
  PutLengthPrefixed(spec.url, out);
  PutLittleEndian(static_cast<uint64_t>(spec.interval.count()), out);
  out->push_back(static_cast<char>((spec.ignore_robots ? kIgnoreRobotsFlag : 0) |
                                   (spec.include_link_urls ? kIncludeLinkUrlsFlag : 0)));
  out->push_back(static_cast<char>(spec.render));
  PutLittleEndian(document.line, out);
  PutLittleEndian(document.column, out);
  PutTexts(spec.select, out);
  PutTexts(spec.remove, out);
  PutTexts(spec.ignore_lines, out);
  PutTexts(spec.extra_urls, out);
  PutRanges(spec.select_ranges, out);
  PutRanges(spec.remove_ranges, out);
}

// The body of one file's entry: its platform and documents (they share the platform: a
// target file describes one).
std::string EncodeBody(const std::vector<CachedDocument>& documents) {
  std::string body;
  PutLengthPrefixed(documents.empty() ? std::string() : documents.front().spec->platform, &body);
  PutLittleEndian(static_cast<uint32_t>(documents.size()), &body);
  for (const CachedDocument& document : documents) PutDocument(document, &body);
  return body;
}

// A list of texts. A corrupt count reads past the end (each entry takes at least its 4-byte
// length), so the loop stops there and reserves no more than the bytes left could hold.
std::vector<std::string> ReadTexts(BinaryReader& reader) {
  const uint32_t count = reader.Read<uint32_t>();
  std::vector<std::string> texts;
  texts.reserve(std::min<std::size_t>(count, reader.bytes_left() / 4));
  for (uint32_t i = 0; i < count && !reader.truncated(); ++i) texts.emplace_back(reader.View());
  return texts;
}

std::vector<SelectRange> ReadRanges(BinaryReader& reader) {
  const uint32_t count = reader.Read<uint32_t>();
  std::vector<SelectRange> ranges;
  ranges.reserve(std::min<std::size_t>(count, reader.bytes_left() / 16));
  for (uint32_t i = 0; i < count && !reader.truncated(); ++i) {
    SelectRange& range = ranges.emplace_back();
    for (std::string* text :
         {&range.start_before, &range.start_after, &range.end_before, &range.end_after}) {
      reader.String(text);
    }
  }
  return ranges;
}

// Reads one document into `spec` (platform and source file are the caller's); false when the
// record is truncated or holds a value no parse gives.
bool ReadDocument(BinaryReader& reader, DocumentSpec* spec, CachedDocument* document) {
  reader.String(&spec->id);
  reader.String(&spec->type);
  reader.String(&spec->url);
  spec->interval = std::chrono::milliseconds(reader.Int64());
  const auto flags = reader.Read<uint8_t>();
  const auto render = reader.Read<uint8_t>();
  document->line = reader.Read<uint32_t>();
  document->column = reader.Read<uint32_t>();
  // Assigned only when not empty: an empty CompactVector allocates nothing.
  const auto assign = [](auto list, auto* field) {
    if (!list.empty()) *field = std::move(list);
  };
  assign(ReadTexts(reader), &spec->select);
  assign(ReadTexts(reader), &spec->remove);
  assign(ReadTexts(reader), &spec->ignore_lines);
  assign(ReadTexts(reader), &spec->extra_urls);
  assign(ReadRanges(reader), &spec->select_ranges);
  assign(ReadRanges(reader), &spec->remove_ranges);
  if (reader.truncated() || (flags & ~(kIgnoreRobotsFlag | kIncludeLinkUrlsFlag)) != 0 ||
      render > kLastRenderMode || spec->interval.count() < 0) {
    return false;
  }
  spec->ignore_robots = (flags & kIgnoreRobotsFlag) != 0;
  spec->include_link_urls = (flags & kIncludeLinkUrlsFlag) != 0;
  spec->render = static_cast<RenderMode>(render);
  return true;
}

// The documents of an entry's body, compiled as a load compiles them; false when the body is
// corrupt or a document's extraction no longer compiles.
bool DecodeBody(std::string_view body, const std::filesystem::path& path,
                std::vector<CachedDocument>* out) {
  BinaryReader reader(body);
  const std::string_view platform = reader.View();
  const uint32_t count = reader.Read<uint32_t>();
  if (reader.truncated()) return false;
  const SharedPath source_file(path);
  std::vector<CachedDocument> documents;
  documents.reserve(std::min<std::size_t>(count, reader.bytes_left() / kMinDocumentBytes));
  for (uint32_t i = 0; i < count; ++i) {
    auto spec = std::make_shared<DocumentSpec>();
    CachedDocument& document = documents.emplace_back();
    if (!ReadDocument(reader, spec.get(), &document)) return false;
    spec->platform = platform;
    spec->source_file = source_file;
    if (!CompileDocumentExtraction(spec.get()).ok()) return false;
    document.spec = std::move(spec);
  }
  if (reader.bytes_left() != 0) return false;
  *out = std::move(documents);
  return true;
}

}  // namespace

TargetFileCache::TargetFileCache(std::filesystem::path path, std::string build_id)
    : path_(std::move(path)), build_id_(std::move(build_id)) {}

Status TargetFileCache::Open() {
  contents_.clear();
  entries_.clear();
  hits_ = 0;
  misses_ = 0;
  std::error_code error;
  if (!std::filesystem::exists(path_, error) && !error) return Status::Ok();
  Result<std::string> read = ReadRegularFile(path_, kMaxCacheBytes);
  if (!read.ok()) return read.status();
  contents_ = std::move(read).value();
  Status status = ReadEntries();
  if (!status.ok()) {
    contents_.clear();
    entries_.clear();
  }
  return status;
}

Status TargetFileCache::ReadEntries() {
  const auto corrupt = [this](std::string_view what) {
    return Status::Corruption(path_.string() + ": " + std::string(what));
  };
  if (!std::string_view(contents_).starts_with(kMagic)) return corrupt("not a target cache");
  BinaryReader reader(std::string_view(contents_).substr(kMagic.size()));
  const uint32_t format = reader.Read<uint32_t>();
  const std::string_view build_id = reader.View();
  const uint64_t count = reader.Read<uint64_t>();
  if (reader.truncated()) return corrupt("truncated header");
  // Another format or build: expected after every upgrade, so Unsupported, not Corruption.
  if (format != kFormat) {
    return Status::Unsupported(path_.string() + ": format " + std::to_string(format) + ", not " +
                               std::to_string(kFormat));
  }
  if (build_id != build_id_) {
    return Status::Unsupported(path_.string() + ": written by another build (" +
                               std::string(build_id) + ")");
  }
  entries_.reserve(std::min<uint64_t>(count, reader.bytes_left() / 20));
  for (uint64_t i = 0; i < count; ++i) {
    const std::string_view path = reader.View();
    Entry entry;
    entry.sha256 = reader.View();
    entry.checksum = reader.Read<uint64_t>();
    entry.body = reader.View();
    if (reader.truncated()) return corrupt("truncated at entry " + std::to_string(i + 1));
    entries_.emplace(path, entry);
  }
  if (reader.bytes_left() != 0) return corrupt("bytes after the last entry");
  return Status::Ok();
}

bool TargetFileCache::Lookup(const std::filesystem::path& path, std::string_view content_sha256,
                             std::vector<CachedDocument>* out) const {
  const auto found = entries_.find(path.native());
  if (found == entries_.end()) return false;
  const Entry& entry = found->second;
  if (entry.sha256 != content_sha256 || Sha256Prefix64(entry.body) != entry.checksum) return false;
  return DecodeBody(entry.body, path, out);
}

void TargetFileCache::Keep(const std::filesystem::path& path, std::string content_sha256,
                           std::vector<CachedDocument> documents, bool hit) {
  ++(hit ? hits_ : misses_);
  const std::lock_guard lock(kept_mutex_);
  kept_.push_back({path.native(), std::move(content_sha256), std::move(documents)});
}

bool TargetFileCache::Close() {
  const bool changed = misses_ > 0 || hits_ != entries_.size();
  entries_.clear();
  std::string().swap(contents_);
  return changed;
}

Status TargetFileCache::Save() {
  std::vector<KeptFile> kept;
  {
    const std::lock_guard lock(kept_mutex_);
    kept.swap(kept_);
  }
  // Sorted, so that the same files give the same cache file whatever the threads' timing.
  std::sort(kept.begin(), kept.end(),
            [](const KeptFile& a, const KeptFile& b) { return a.path < b.path; });
  // Written as it is encoded, a megabyte at a time: a million documents' cache is ~146 MB that
  // need not be in memory at once.
  constexpr std::size_t kChunkBytes = 1u << 20;
  auto writer = PrivateFileWriter::Create(path_);
  if (!writer.ok()) return writer.status();
  std::string out(kMagic);
  PutLittleEndian(kFormat, &out);
  PutLengthPrefixed(build_id_, &out);
  PutLittleEndian(static_cast<uint64_t>(kept.size()), &out);
  for (KeptFile& file : kept) {
    const std::string body = EncodeBody(file.documents);
    std::vector<CachedDocument>().swap(file.documents);  // the specs are the catalog's again
    PutLengthPrefixed(file.path, &out);
    PutLengthPrefixed(file.sha256, &out);
    PutLittleEndian(Sha256Prefix64(body), &out);
    PutLengthPrefixed(body, &out);
    if (out.size() >= kChunkBytes) {
      if (Status status = (*writer)->Append(out); !status.ok()) return status;
      out.clear();
    }
  }
  if (Status status = (*writer)->Append(out); !status.ok()) return status;
  return (*writer)->Commit();
}

void TargetFileCache::Discard() {
  std::vector<KeptFile> kept;
  const std::lock_guard lock(kept_mutex_);
  kept.swap(kept_);
}

}  // namespace policyd
