#include "gzip_members.h"

#include <zlib.h>

#include <algorithm>
#include <array>

namespace policyd {
namespace {

// zlib's inflate state, ended on every path out.
class Inflater {
 public:
  Inflater() { ok_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK; }  // 16: gzip only
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  bool ok() const { return ok_; }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

bool StartsMember(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string MemberName(int index) {
  return index == 0 ? std::string("the gzip data") : "gzip member " + std::to_string(index + 1);
}

}  // namespace

Gunzipped GunzipMembers(std::string_view body, std::size_t max_bytes) {
  Gunzipped result;
  if (!StartsMember(body)) {
    result.problem = "it does not start with gzip's magic bytes";
    return result;
  }
  Inflater inflater;
  if (!inflater.ok()) {
    result.problem = "zlib could not start";
    return result;
  }
  z_stream& stream = inflater.stream();
  std::array<unsigned char, 16 * 1024> chunk;
  while (true) {
    // One member: inflate until its end (Z_STREAM_END) or until the input runs out.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    stream.avail_in = static_cast<uInt>(std::min<std::size_t>(body.size(), UINT32_MAX));
    int status = Z_OK;
    while (status == Z_OK) {
      stream.next_out = chunk.data();
      stream.avail_out = static_cast<uInt>(chunk.size());
      status = inflate(&stream, Z_NO_FLUSH);
      const std::size_t produced = chunk.size() - stream.avail_out;
      if (result.bytes.size() + produced > max_bytes) {
        result.outcome = GunzipOutcome::kTooLarge;
        result.bytes.clear();
        return result;
      }
      result.bytes.append(reinterpret_cast<const char*>(chunk.data()), produced);
      if (status == Z_BUF_ERROR && stream.avail_in == 0) break;  // input over, member not
    }
    if (status != Z_STREAM_END) {
      result.problem =
          MemberName(result.members) +
          (status == Z_DATA_ERROR || status == Z_NEED_DICT
               ? std::string(" is damaged") +
                     (stream.msg != nullptr ? std::string(" (") + stream.msg + ")" : std::string())
               : " is cut short");
      result.bytes.clear();
      return result;
    }
    ++result.members;
    body.remove_prefix(body.size() - stream.avail_in);
    if (!StartsMember(body)) break;
    inflateReset(&stream);
  }
  result.stray_bytes = body.size();
  result.outcome = GunzipOutcome::kDecoded;
  return result;
}

}  // namespace policyd
