#include <set>
#include <string>

#include <gtest/gtest.h>

#include "curl_error.h"
#include "policyd/fetcher.h"

namespace policyd {
namespace {

TEST(FetchErrorName, StableSnakeCaseNames) {
  EXPECT_STREQ(FetchErrorName(FetchError::kNone), "none");
  EXPECT_STREQ(FetchErrorName(FetchError::kBadUrl), "bad_url");
  EXPECT_STREQ(FetchErrorName(FetchError::kDns), "dns");
  EXPECT_STREQ(FetchErrorName(FetchError::kConnect), "connect");
  EXPECT_STREQ(FetchErrorName(FetchError::kBlockedAddress), "blocked_address");
  EXPECT_STREQ(FetchErrorName(FetchError::kTls), "tls");
  EXPECT_STREQ(FetchErrorName(FetchError::kTimeout), "timeout");
  EXPECT_STREQ(FetchErrorName(FetchError::kTooLarge), "too_large");
  EXPECT_STREQ(FetchErrorName(FetchError::kTooManyRedirects), "too_many_redirects");
  EXPECT_STREQ(FetchErrorName(FetchError::kProtocol), "protocol");
  EXPECT_STREQ(FetchErrorName(FetchError::kRobotsDisallowed), "robots");
  EXPECT_STREQ(FetchErrorName(FetchError::kContentType), "content_type");
  EXPECT_STREQ(FetchErrorName(FetchError::kAborted), "aborted");
}

TEST(ClassifyCurlCode, MapsCurlResults) {
  EXPECT_EQ(ClassifyCurlCode(CURLE_OK, 200), FetchError::kNone);
  EXPECT_EQ(ClassifyCurlCode(CURLE_COULDNT_RESOLVE_HOST, 0), FetchError::kDns);
  EXPECT_EQ(ClassifyCurlCode(CURLE_COULDNT_CONNECT, 0), FetchError::kConnect);
  EXPECT_EQ(ClassifyCurlCode(CURLE_OPERATION_TIMEDOUT, 0), FetchError::kTimeout);
  EXPECT_EQ(ClassifyCurlCode(CURLE_SSL_CONNECT_ERROR, 0), FetchError::kTls);
  EXPECT_EQ(ClassifyCurlCode(CURLE_PEER_FAILED_VERIFICATION, 0), FetchError::kTls);
  EXPECT_EQ(ClassifyCurlCode(CURLE_SSL_CACERT_BADFILE, 0), FetchError::kTls);
  EXPECT_EQ(ClassifyCurlCode(CURLE_TOO_MANY_REDIRECTS, 301), FetchError::kTooManyRedirects);
  EXPECT_EQ(ClassifyCurlCode(CURLE_URL_MALFORMAT, 0), FetchError::kBadUrl);
  EXPECT_EQ(ClassifyCurlCode(CURLE_FILESIZE_EXCEEDED, 200), FetchError::kTooLarge);
  EXPECT_EQ(ClassifyCurlCode(CURLE_RECV_ERROR, 200), FetchError::kProtocol);
  EXPECT_EQ(ClassifyCurlCode(CURLE_PARTIAL_FILE, 200), FetchError::kProtocol);
  EXPECT_EQ(ClassifyCurlCode(CURLE_BAD_CONTENT_ENCODING, 200), FetchError::kProtocol);
  EXPECT_EQ(ClassifyCurlCode(CURLE_GOT_NOTHING, 0), FetchError::kProtocol);
  EXPECT_EQ(ClassifyCurlCode(CURLE_WRITE_ERROR, 200), FetchError::kProtocol);
}

TEST(ClassifyCurlCode, UnsupportedProtocolDependsOnWhetherHttpWasSpoken) {
  // A redirect (we saw its 3xx) to file:// or ftp:// is a bad URL...
  EXPECT_EQ(ClassifyCurlCode(CURLE_UNSUPPORTED_PROTOCOL, 302), FetchError::kBadUrl);
  // ...while "Received HTTP/0.9 when not allowed" means the server did not speak HTTP.
  EXPECT_EQ(ClassifyCurlCode(CURLE_UNSUPPORTED_PROTOCOL, 0), FetchError::kProtocol);
}

}  // namespace
}  // namespace policyd
