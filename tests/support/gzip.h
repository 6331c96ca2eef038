// gzip-coded test bodies (zlib at its strongest level), for servers that send
// Content-Encoding: gzip. Link ZLIB::ZLIB.
#ifndef POLICYD_TESTS_SUPPORT_GZIP_H_
#define POLICYD_TESTS_SUPPORT_GZIP_H_

#include <zlib.h>

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace policyd::testing {

// One gzip member holding `data`.
inline std::string Gzip(std::string_view data) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_GZIP_H_
