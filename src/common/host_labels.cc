#include "policyd/host_labels.h"

#include <idn2.h>

#include <cstdint>
#include <memory>

#include "policyd/ascii.h"

namespace policyd {
namespace {

struct Idn2Deleter {
  void operator()(char* text) const { idn2_free(text); }
};
using Idn2String = std::unique_ptr<char, Idn2Deleter>;

}  // namespace

Result<std::string> HostToALabels(std::string_view host_text) {
  const std::string host(host_text);  // NUL-terminated for libidn2
  if (IsAscii(host)) return AsciiLower(host);
  if (host.find('\0') != std::string::npos) {
    return Status::InvalidArgument("host contains a NUL character");
  }
  // idn2_lookup_u8 reads UTF-8, unlike idn2_lookup_ul (what curl calls), which reads the
  // locale's charset.
  const auto* input = reinterpret_cast<const uint8_t*>(host.c_str());
  for (const int flags :
       {IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL, IDN2_NFC_INPUT | IDN2_TRANSITIONAL}) {
    uint8_t* raw = nullptr;
    const int code = idn2_lookup_u8(input, &raw, flags);
    const Idn2String owned(reinterpret_cast<char*>(raw));
    if (code == IDN2_OK && owned) return AsciiLower(owned.get());
  }
  return Status::InvalidArgument("host '" + host + "' is not a valid internationalised name");
}

}  // namespace policyd
