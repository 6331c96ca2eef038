// Reading the corpora's gzip-compressed pages (*.html.gz), for the measurement tools here.
#ifndef POLICYD_TESTS_BENCH_EXTRACT_GZIP_FILE_H_
#define POLICYD_TESTS_BENCH_EXTRACT_GZIP_FILE_H_

#include <zlib.h>

#include <cstddef>
#include <filesystem>
#include <string>

namespace policyd::bench {

// The decompressed bytes of `path` into *out; false when it cannot be read or is not gzip.
inline bool ReadGzip(const std::filesystem::path& path, std::string* out) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  out->clear();
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof(buffer))) > 0) {
    out->append(buffer, static_cast<std::size_t>(n));
  }
  const bool ok = n == 0;
  gzclose(file);
  return ok;
}

}  // namespace policyd::bench

#endif  // POLICYD_TESTS_BENCH_EXTRACT_GZIP_FILE_H_
