// libFuzzer target: ExtractText must never crash, hang or leak on any bytes with any options,
// and must keep the output contract (no CR, no leading/trailing blank line, final '\n'). The
// app-shell signals (render = "auto") read the same hostile bytes and must stay consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policyd/extract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the options, so one corpus explores every mode.
  const uint8_t mode = data[0];
  const std::string_view html(reinterpret_cast<const char*>(data + 1), size - 1);
  policyd::ExtractOptions options;
  if (mode & 1) options.select = {"main, article", "#content > div"};
  if (mode & 2) options.remove = {".cookie, nav", "[aria-hidden=true]"};
  if (mode & 4) options.ranges = {{"h1", "", "", "footer"}};
  if (mode & 8) options.ignore_lines = {"^Last updated", "[0-9]+ visitors$"};
  if (mode & 16) options.include_link_urls = true;
  if (mode & 32) options.content_type = "text/html; charset=windows-1252";
  if (mode & 64) options.content_type = "text/plain";
  if (mode & 128) options.remove_ranges = {{"", "h2", "", "p"}, {"nav", "", "main", ""}};
  policyd::ExtractResult result;
  if (!policyd::ExtractText(html, options, &result).ok()) std::abort();  // options are valid
  const std::string& text = result.text;
  if (text.find('\r') != std::string::npos) std::abort();
  if (!text.empty() && (text.back() != '\n' || text.front() == '\n')) std::abort();
  if (text.size() >= 2 && text[text.size() - 2] == '\n') std::abort();
  const policyd::AppShellSignals shell = policyd::ReadAppShellSignals(html, options.content_type);
  if (shell.empty_mount_points > shell.mount_points) std::abort();
  if (shell.LooksLikeAppShell() && shell.scripts == 0) std::abort();
  return 0;
}
