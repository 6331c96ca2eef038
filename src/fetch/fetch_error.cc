#include "curl_error.h"

namespace policyd {

const char* FetchErrorName(FetchError error) {
  switch (error) {
    case FetchError::kNone:
      return "none";
    case FetchError::kBadUrl:
      return "bad_url";
    case FetchError::kDns:
      return "dns";
    case FetchError::kConnect:
      return "connect";
    case FetchError::kBlockedAddress:
      return "blocked_address";
    case FetchError::kTls:
      return "tls";
    case FetchError::kTimeout:
      return "timeout";
    case FetchError::kTooLarge:
      return "too_large";
    case FetchError::kTooManyRedirects:
      return "too_many_redirects";
    case FetchError::kProtocol:
      return "protocol";
    case FetchError::kRobotsDisallowed:
      return "robots";
    case FetchError::kContentType:
      return "content_type";
    case FetchError::kAborted:
      return "aborted";
  }
  return "unknown";
}

FetchError ClassifyCurlCode(CURLcode code, long http_status) {
  switch (code) {
    case CURLE_OK:
      return FetchError::kNone;
    case CURLE_UNSUPPORTED_PROTOCOL:
      return http_status == 0 ? FetchError::kProtocol : FetchError::kBadUrl;
    case CURLE_URL_MALFORMAT:
      return FetchError::kBadUrl;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchError::kDns;
    case CURLE_COULDNT_CONNECT:
      return FetchError::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchError::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return FetchError::kTls;
    case CURLE_TOO_MANY_REDIRECTS:
      return FetchError::kTooManyRedirects;
    case CURLE_FILESIZE_EXCEEDED:
      return FetchError::kTooLarge;
    default:
      // RECV_ERROR, SEND_ERROR, PARTIAL_FILE, GOT_NOTHING, BAD_CONTENT_ENCODING, HTTP2,
      // WEIRD_SERVER_REPLY, WRITE_ERROR without a recorded reason, ...
      return FetchError::kProtocol;
  }
}

}  // namespace policyd
