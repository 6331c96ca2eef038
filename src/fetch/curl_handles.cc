#include "curl_handles.h"

#include <string>

namespace policyd {

bool CurlSlist::Append(std::string_view line) {
  const std::string text(line);  // curl wants a NUL-terminated string
  curl_slist* grown = curl_slist_append(list_.get(), text.c_str());
  if (grown == nullptr) return false;
  // curl_slist_append returns the head, which only changes when the list was empty.
  if (list_ == nullptr) list_.reset(grown);
  return true;
}

void EnsureCurlGlobalInit() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)result;  // on failure curl_easy_init reports it later, per transfer
}

}  // namespace policyd
