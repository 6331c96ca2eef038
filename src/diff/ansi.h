// ANSI SGR sequences used by the coloured diff output.
#ifndef POLICYD_SRC_DIFF_ANSI_H_
#define POLICYD_SRC_DIFF_ANSI_H_

#include <string_view>

namespace policyd::diff_internal {

inline constexpr std::string_view kAnsiRed = "\x1b[31m";
inline constexpr std::string_view kAnsiGreen = "\x1b[32m";
inline constexpr std::string_view kAnsiCyan = "\x1b[36m";
inline constexpr std::string_view kAnsiReset = "\x1b[0m";

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_ANSI_H_
