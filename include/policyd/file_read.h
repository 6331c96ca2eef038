// Reading a whole configuration-sized file, safely: the path a user gives may name a FIFO, a
// device such as /dev/zero or /dev/urandom, a directory, or a file far too large. Each is
// refused with a clear reason instead of blocking forever or reading without end.
#ifndef POLICYD_FILE_READ_H_
#define POLICYD_FILE_READ_H_

#include <cstddef>
#include <filesystem>
#include <string>

#include "policyd/status.h"

namespace policyd {

// Config files, target files and Open Terms Archive declarations are a few KB; 16 MiB leaves
// room for one file declaring tens of thousands of documents.
inline constexpr std::size_t kMaxConfigFileBytes = 16u << 20;

// The bytes of `path`, or an error whose message starts with "<path>: cannot read: ": NotFound
// when there is no such file (a file removed since its directory was listed is absent),
// IoError when it cannot be opened or read or is not a regular file ("is a directory", "is not
// a regular file (a FIFO)"), InvalidArgument when it holds more than `max_bytes` ("larger than
// N bytes"). The open never blocks
// (a FIFO without a writer is refused, not waited on), and at most `max_bytes` + 1 bytes are read
// even if the file grows meanwhile.
Result<std::string> ReadRegularFile(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace policyd

#endif  // POLICYD_FILE_READ_H_
