#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "config/document_checks.h"
#include "policyd/clock.h"
#include "policyd/config.h"
#include "policyd/private_files.h"
#include "policyd/unique_fd.h"

namespace policyd {
namespace {

std::string ErrnoMessage(int error_number) { return std::generic_category().message(error_number); }

// A TOML basic string ("..."), escaping what TOML requires. Input must be valid UTF-8.
std::string QuoteToml(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\b':
        quoted += "\\b";
        break;
      case '\t':
        quoted += "\\t";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\f':
        quoted += "\\f";
        break;
      case '\r':
        quoted += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(c));
          quoted += escape;
        } else {
          quoted += c;
        }
    }
  }
  quoted += '"';
  return quoted;
}

std::string QuoteTomlList(const std::vector<std::string>& values) {
  std::string list = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) list += ", ";
    list += QuoteToml(values[i]);
  }
  return list + "]";
}

// A `select` or `remove` value: the CSS selectors, then the ranges as inline tables.
std::string QuoteSelectorList(const std::vector<std::string>& css,
                              const std::vector<SelectRange>& ranges) {
  std::string list = QuoteTomlList(css);
  list.pop_back();  // "]"
  for (const SelectRange& range : ranges) {
    if (list.size() > 1) list += ", ";
    list += "{ ";
    list += range.start_before.empty() ? "startAfter = " + QuoteToml(range.start_after)
                                       : "startBefore = " + QuoteToml(range.start_before);
    list += range.end_before.empty() ? ", endAfter = " + QuoteToml(range.end_after)
                                     : ", endBefore = " + QuoteToml(range.end_before);
    list += " }";
  }
  return list + "]";
}

// Checks what WriteTargetFile needs beyond ValidateDocumentSpec: the documents must read back
// as the same ids, so they must belong to `platform`, and TOML only holds UTF-8.
Status CheckWritable(const std::string& platform, const std::vector<DocumentSpec>& docs) {
  if (platform.empty()) return Status::InvalidArgument("platform must not be empty");
  if (!config_internal::IsValidUtf8(platform)) {
    return Status::InvalidArgument("platform '" + platform + "' is not valid UTF-8");
  }
  std::set<std::string> ids;
  for (DocumentSpec doc : docs) {
    if (!doc.platform.empty() && doc.platform != platform) {
      return Status::InvalidArgument("document '" + doc.id + "' belongs to platform '" +
                                     doc.platform + "', not '" + platform + "'");
    }
    doc.platform = platform;
    if (Status status = ValidateDocumentSpec(doc); !status.ok()) {
      return Status::InvalidArgument("document '" + MakeDocumentId(platform, doc.type) +
                                     "': " + status.message());
    }
    std::vector<const std::string*> texts = {&doc.type, &doc.url};
    for (const std::string& selector : doc.select) texts.push_back(&selector);
    for (const std::string& selector : doc.remove) texts.push_back(&selector);
    for (const auto* ranges : {&doc.select_ranges, &doc.remove_ranges}) {
      for (const SelectRange& range : *ranges) {
        for (const std::string* part :
             {&range.start_before, &range.start_after, &range.end_before, &range.end_after}) {
          texts.push_back(part);
        }
      }
    }
    for (const std::string& pattern : doc.ignore_lines) texts.push_back(&pattern);
    for (const std::string& url : doc.extra_urls) texts.push_back(&url);
    for (const std::string* text : texts) {
      if (!config_internal::IsValidUtf8(*text)) {
        return Status::InvalidArgument("document '" + MakeDocumentId(platform, doc.type) +
                                       "' has text that is not valid UTF-8");
      }
    }
    if (!ids.insert(MakeDocumentId(platform, doc.type)).second) {
      return Status::InvalidArgument("duplicate document id '" +
                                     MakeDocumentId(platform, doc.type) + "'");
    }
  }
  return Status::Ok();
}

std::string Serialize(const std::string& platform, const std::vector<DocumentSpec>& docs) {
  std::string text = "# policyd target file (format: include/policyd/config.h).\n";
  text += "name = " + QuoteToml(platform) + "\n";
  for (const DocumentSpec& doc : docs) {
    text += "\n[[documents]]\n";
    text += "type = " + QuoteToml(doc.type) + "\n";
    text += "url = " + QuoteToml(doc.url) + "\n";
    if (doc.interval.count() != 0) {
      text += "interval = " + QuoteToml(FormatDuration(doc.interval)) + "\n";
    }
    if (!doc.select.empty() || !doc.select_ranges.empty()) {
      text += "select = " + QuoteSelectorList(doc.select, doc.select_ranges) + "\n";
    }
    if (!doc.remove.empty() || !doc.remove_ranges.empty()) {
      text += "remove = " + QuoteSelectorList(doc.remove, doc.remove_ranges) + "\n";
    }
    if (doc.ignore_robots) text += "ignore_robots = true\n";
    if (!doc.ignore_lines.empty()) {
      text += "ignore_lines = " + QuoteTomlList(doc.ignore_lines) + "\n";
    }
    if (doc.include_link_urls) text += "include_link_urls = true\n";
    if (!doc.extra_urls.empty()) text += "extra_urls = " + QuoteTomlList(doc.extra_urls) + "\n";
    if (doc.render != RenderMode::kAuto) {
      text += "render = " + QuoteToml(RenderModeName(doc.render)) + "\n";
    }
  }
  return text;
}

// Writes `text` to a temporary file next to `path`, syncs it and renames it over `path`, so
// that readers (and a crash) see either the old file or the new one, never a partial one.
Status WriteAtomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return Status::IoError(path.string() + ": cannot create directory: " + error.message());
  }
  // Hidden and not ending in .toml, so LoadTargetsDir ignores it if we crash mid-way.
  std::string temp_name = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  UniqueFd fd(::mkstemp(temp_name.data()));
  if (fd.get() < 0) {
    return Status::IoError(path.string() +
                           ": cannot create temporary file: " + ErrnoMessage(errno));
  }
  const auto fail = [&](std::string_view what) {
    const int saved_errno = errno;
    fd.Close();
    ::unlink(temp_name.c_str());
    return Status::IoError(path.string() + ": " + std::string(what) + ": " +
                           ErrnoMessage(saved_errno));
  };
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t result = ::write(fd.get(), text.data() + written, text.size() - written);
    if (result < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    written += static_cast<size_t>(result);
  }
  // Private like the rest of the state, whatever the umask (mkstemp makes it 0600).
  if (::fchmod(fd.get(), kPrivateFileMode) != 0) return fail("cannot set permissions");
  if (::fsync(fd.get()) != 0) return fail("cannot sync");
  if (!fd.Close()) return fail("cannot close");
  if (::rename(temp_name.c_str(), path.c_str()) != 0) return fail("cannot rename into place");

  // Make the rename itself durable. Failure here is not worth failing the write for.
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
  return Status::Ok();
}

}  // namespace

Status WriteTargetFile(const std::filesystem::path& path, const std::string& platform,
                       const std::vector<DocumentSpec>& docs) {
  if (Status status = CheckWritable(platform, docs); !status.ok()) return status;
  try {
    return WriteAtomically(path, Serialize(platform, docs));
  } catch (const std::exception& exception) {  // std::bad_alloc and the like
    return Status::IoError(path.string() + ": cannot write: " + exception.what());
  }
}

}  // namespace policyd
