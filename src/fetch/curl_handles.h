// RAII owners for libcurl's C handles. Every CURL*, CURLM*, CURLSH*, CURLU* and curl_slist*
// in this component lives in one of these, so no early return can leak one.
#ifndef POLICYD_SRC_FETCH_CURL_HANDLES_H_
#define POLICYD_SRC_FETCH_CURL_HANDLES_H_

#include <memory>
#include <string_view>

#include <curl/curl.h>

namespace policyd {

struct CurlEasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct CurlShareDeleter {
  void operator()(CURLSH* share) const { curl_share_cleanup(share); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlStringDeleter {  // strings that curl allocated (curl_url_get, ...)
  void operator()(char* text) const { curl_free(text); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlShare = std::unique_ptr<CURLSH, CurlShareDeleter>;
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// A header list that can only grow; curl reads it while the transfer runs, so it must outlive
// the easy handle's use of CURLOPT_HTTPHEADER.
class CurlSlist {
 public:
  // Returns false when curl could not allocate the entry (the list is unchanged).
  bool Append(std::string_view line);
  curl_slist* get() const { return list_.get(); }

 private:
  std::unique_ptr<curl_slist, CurlSlistDeleter> list_;
};

// curl_global_init, once per process (thread-safe). curl_global_cleanup is never called: the
// daemon keeps libcurl for its whole life, and cleanup while any thread uses curl is unsafe.
void EnsureCurlGlobalInit();

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_CURL_HANDLES_H_
