// TempFile: a private temporary file (mode 0600, created with mkostemp in $TMPDIR or /tmp,
// close-on-exec) holding given bytes, removed when the object dies. The converters read the
// PDF from a path because Poppler needs to seek.
#ifndef POLICYD_SRC_PDF_TEMP_FILE_H_
#define POLICYD_SRC_PDF_TEMP_FILE_H_

#include <string>
#include <string_view>

#include "policyd/status.h"

namespace policyd::pdf_internal {

class TempFile {
 public:
  // A new file with `bytes` in it; IoError naming the file on failure (none is left behind).
  static Result<TempFile> Create(std::string_view bytes);
  ~TempFile();
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;  // "" once moved from
};

}  // namespace policyd::pdf_internal

#endif  // POLICYD_SRC_PDF_TEMP_FILE_H_
