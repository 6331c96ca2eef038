#include "policyd/shell_quote.h"

#include <algorithm>

namespace policyd {

std::string ShellQuote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string ShellWord(std::string_view text) {
  constexpr std::string_view kPlain = "._/:=@%+,-";
  const bool bare = !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || kPlain.find(c) != std::string_view::npos;
  });
  return bare ? std::string(text) : ShellQuote(text);
}

}  // namespace policyd
