#include "policyd/url_query.h"

#include <curl/curl.h>

#include <algorithm>
#include <limits>

#include "curl_handles.h"

namespace policyd {
namespace {

// libcurl's lengths are int.
constexpr std::size_t kMaxComponentBytes = std::numeric_limits<int>::max() / 4;

Result<std::string> DecodeComponent(std::string_view text) {
  if (text.size() > kMaxComponentBytes) return Status::InvalidArgument("query too long");
  std::string spaced(text);
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  int length = 0;
  const CurlString decoded(
      curl_easy_unescape(nullptr, spaced.data(), static_cast<int>(spaced.size()), &length));
  if (decoded == nullptr) return Status::IoError("percent-decoding failed (out of memory)");
  std::string out(decoded.get(), static_cast<std::size_t>(length));
  if (out.find('\0') != std::string::npos) {
    return Status::InvalidArgument("a query value holds a NUL byte (%00)");
  }
  return out;
}

}  // namespace

Result<QueryParams> ParseQuery(std::string_view query, std::size_t max_params) {
  QueryParams params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (params.size() == max_params) {
      return Status::InvalidArgument("more than " + std::to_string(max_params) +
                                     " query parameters");
    }
    const std::size_t equals = pair.find('=');
    auto name = DecodeComponent(pair.substr(0, equals));
    if (!name.ok()) return name.status();
    auto value = DecodeComponent(equals == std::string_view::npos ? std::string_view()
                                                                  : pair.substr(equals + 1));
    if (!value.ok()) return value.status();
    params.push_back({std::move(*name), std::move(*value)});
  }
  return params;
}

std::string EncodeQueryComponent(std::string_view text) {
  if (text.empty()) return {};
  const CurlString encoded(curl_easy_escape(
      nullptr, text.data(), static_cast<int>(std::min(text.size(), kMaxComponentBytes))));
  return encoded == nullptr ? std::string() : std::string(encoded.get());
}

std::string EncodeQuery(const QueryParams& params) {
  std::string out;
  for (const QueryParam& param : params) {
    if (!out.empty()) out += '&';
    out += EncodeQueryComponent(param.name);
    out += '=';
    out += EncodeQueryComponent(param.value);
  }
  return out;
}

const std::string* FindQueryParam(const QueryParams& params, std::string_view name) {
  for (const QueryParam& param : params) {
    if (param.name == name) return &param.value;
  }
  return nullptr;
}

}  // namespace policyd
