// StripTrackingParameters (policyd/extract.h): query parameters that differ between visits of
// the same page must not make its text differ when link URLs are part of the output.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "policyd/extract.h"

namespace policyd {
namespace {

// Sorted, lower case (checked below).
constexpr std::array<std::string_view, 39> kVisitParameters = {
    "_",
    "__hsfp",
    "__hssc",
    "__hstc",
    "_csrf",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "_token",
    "authenticity_token",
    "cache_bust",
    "cachebust",
    "cachebuster",
    "cb",
    "csrf",
    "csrf_token",
    "dclid",
    "fbclid",
    "gbraid",
    "gclid",
    "gclsrc",
    "hsctatracking",
    "igshid",
    "jsessionid",
    "li_fat_id",
    "mc_cid",
    "mc_eid",
    "mkt_tok",
    "msclkid",
    "nocache",
    "oly_anon_id",
    "oly_enc_id",
    "phpsessid",
    "rb_clickid",
    "ttclid",
    "twclid",
    "wbraid",
    "yclid",
};
static_assert(std::is_sorted(kVisitParameters.begin(), kVisitParameters.end()));

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return lower;
}

bool IsVisitParameter(std::string_view parameter) {
  const std::string name = Lower(parameter.substr(0, parameter.find('=')));
  if (name.starts_with("utm_")) return true;
  return std::binary_search(kVisitParameters.begin(), kVisitParameters.end(), name);
}

}  // namespace

std::string StripTrackingParameters(std::string_view url) {
  const size_t hash = url.find('#');
  const std::string_view fragment = hash == std::string_view::npos ? "" : url.substr(hash);
  std::string_view rest = url.substr(0, hash);
  const size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
  std::string_view path = rest.substr(0, question);

  std::string out;
  out.reserve(url.size());
  // ";jsessionid=..." path parameters (Java servlet containers) end the path's last segment.
  const size_t semicolon = path.find(';');
  if (semicolon != std::string_view::npos &&
      Lower(path.substr(semicolon + 1, 11)) == "jsessionid=") {
    out.append(path.substr(0, semicolon));
  } else {
    out.append(path);
  }
  bool first = true;
  while (question != std::string_view::npos) {
    const size_t amp = query.find('&');
    const std::string_view parameter = query.substr(0, amp);
    if (!parameter.empty() && !IsVisitParameter(parameter)) {
      out.push_back(first ? '?' : '&');
      out.append(parameter);
      first = false;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  out.append(fragment);
  return out;
}

}  // namespace policyd
