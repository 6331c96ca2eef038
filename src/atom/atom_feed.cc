// RenderAtomFeed (include/policyd/atom.h): builds the XML text element by element; every
// text and attribute value passes through EscapeMarkup.
#include <algorithm>
#include <string>

#include "policyd/atom.h"
#include "policyd/clock.h"
#include "policyd/config.h"
#include "policyd/event_names.h"
#include "policyd/markup_escape.h"
#include "policyd/text_bounds.h"

namespace policyd {
namespace {

constexpr std::string_view kTagPrefix = "tag:policyd,2026:";
constexpr std::size_t kMaxFieldBytes = 512;  // titles and labels: names, never page text
// A link is never cut short of the event's own bound (docs/EVENTS.md: 2048 bytes): a cut
// URL is a broken link.
constexpr std::size_t kMaxUrlBytes = 2048;

// A doc id or slug inside a tag URI: unreserved characters and '/' as they are, the rest
// percent-encoded (ids are slugs already; this only guards against a store that says
// otherwise).
std::string TagSpecific(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
        (byte >= '0' && byte <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~' ||
        ch == '/') {
      out += ch;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

// A string field of an event, bounded ("" when absent or not a string).
std::string Field(const nlohmann::json& event, const char* key,
                  std::size_t max_bytes = kMaxFieldBytes) {
  const auto it = event.find(key);
  if (it == event.end() || !it->is_string()) return "";
  return TruncateUtf8(it->get_ref<const std::string&>(), max_bytes);
}

int64_t Number(const nlohmann::json& event, const char* key) {
  const auto it = event.find(key);
  return it != event.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

uint64_t SeqOf(const AtomEntryInput& entry) {
  const auto it = entry.event.find("seq");
  return it != entry.event.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

// The event's time if it is one the daemon writes, else `fallback`.
std::string EntryTime(const nlohmann::json& event, const std::string& fallback) {
  const std::string time = Field(event, "time");
  return ParseTimestamp(time).has_value() ? time : fallback;
}

std::string FeedTitle(const AtomScope& scope) {
  switch (scope.kind) {
    case AtomScopeKind::kDocument:
      return "policyd: " + TruncateUtf8(scope.value, kMaxFieldBytes);
    case AtomScopeKind::kPlatform:
      return "policyd: " + TruncateUtf8(scope.value, kMaxFieldBytes) + " documents";
    case AtomScopeKind::kAll:
      break;
  }
  return "policyd: all documents";
}

std::string EntryTitle(const nlohmann::json& event) {
  const std::string name = Field(event, "platform") + " " + Field(event, "doc_type");
  if (Field(event, "type") == EventTypeName(EventType::kFirstSeen)) return name + ": first version";
  const std::string change_class = Field(event, "change_class");
  if (change_class.empty()) {  // stored before change classes existed
    return name + " changed: +" + std::to_string(Number(event, "lines_added")) + " -" +
           std::to_string(Number(event, "lines_removed")) + " lines";
  }
  return name + " changed (" + change_class + "): +" +
         std::to_string(Number(event, "words_added")) + " -" +
         std::to_string(Number(event, "words_removed")) + " words";
}

void AppendCategory(std::string_view scheme, const std::string& label, std::string* xml) {
  if (label.empty()) return;
  *xml += "    <category term=\"" + EscapeMarkup(Slugify(label)) + "\" scheme=\"" +
          EscapeMarkup(std::string(kTagPrefix) + std::string(scheme)) + "\" label=\"" +
          EscapeMarkup(label) + "\"/>\n";
}

// The sections paragraph of an entry's HTML: at most `max_sections` names, the rest counted.
std::string SectionsHtml(const nlohmann::json& event, std::size_t max_sections) {
  const auto it = event.find("sections");
  if (it == event.end() || !it->is_array() || it->empty()) return "";
  std::string html = "<p>Changed sections:</p><ul>";
  std::size_t listed = 0;
  for (const auto& section : *it) {
    if (listed == max_sections) break;
    const std::string name =
        section.is_string() ? TruncateUtf8(section.get_ref<const std::string&>(), kMaxFieldBytes)
                            : std::string();
    html += "<li>" +
            (name.empty() ? std::string("(before the first heading)") : EscapeMarkup(name)) +
            "</li>";
    ++listed;
  }
  html += "</ul>";
  const int64_t more =
      static_cast<int64_t>(it->size() - listed) + Number(event, "sections_truncated");
  if (more > 0) html += "<p>and " + std::to_string(more) + " more section(s)</p>";
  return html;
}

// A context line longer than this is shown shortened to kContextKeptBytes and " …": a long
// paragraph beside a change must not take the whole diff budget from the change.
constexpr std::size_t kMaxContextLineBytes = 240;
constexpr std::size_t kContextKeptBytes = 160;

// The diff as an entry shows it, at most about `max_bytes`: whole lines, long context lines
// shortened, and the beginning of a changed line that does not fit when it is the first or a
// long one. `cut` is set when anything was left out or shortened.
std::string BoundedDiff(std::string_view diff, std::size_t max_bytes, bool* cut) {
  std::string out;
  bool change_shown = false;
  for (std::size_t start = 0; start < diff.size();) {
    const std::size_t end = std::min(diff.find('\n', start), diff.size());
    std::string line(diff.substr(start, end - start));
    start = end + 1;
    const bool change = !line.empty() && (line[0] == '+' || line[0] == '-') &&
                        !line.starts_with("+++") && !line.starts_with("---");
    if (!line.empty() && line[0] == ' ' && line.size() > kMaxContextLineBytes) {
      line.resize(TruncatedLength(line, kContextKeptBytes));
      line += " \u2026";
      *cut = true;
    }
    if (out.size() + line.size() + 1 > max_bytes) {
      *cut = true;
      // A changed line longer than half the budget would never show: its beginning does.
      if (change && (!change_shown || line.size() > max_bytes / 2) && out.size() < max_bytes) {
        out += line.substr(0, TruncatedLength(line, max_bytes - out.size())) + "\n";
      }
      break;
    }
    out += line + "\n";
    change_shown |= change;
  }
  return out;
}

std::string DiffHtml(const AtomEntryInput& entry, const std::string& doc_id,
                     const AtomLimits& limits) {
  switch (entry.diff_state) {
    case AtomDiffState::kTooCostly:
      return "<p>The diff is too costly to show here; run <code>policyctl diff " +
             EscapeMarkup(doc_id) + "</code>.</p>";
    case AtomDiffState::kUnavailable:
      return "";
    case AtomDiffState::kShown:
      break;
  }
  bool cut = false;
  const std::string shown = BoundedDiff(entry.diff, limits.max_diff_bytes, &cut);
  std::string html = "<pre>" + EscapeMarkup(shown) + "</pre>";
  if (cut) {
    html += "<p>Diff cut at " + std::to_string(limits.max_diff_bytes) + " bytes (" +
            std::to_string(entry.diff.size()) + " in all); run <code>policyctl diff " +
            EscapeMarkup(doc_id) + "</code> for all of it.</p>";
  }
  return html;
}

std::string ContentHtml(const AtomEntryInput& entry, const AtomLimits& limits) {
  const nlohmann::json& event = entry.event;
  const std::string doc_id = Field(event, "doc");
  if (Field(event, "type") == EventTypeName(EventType::kFirstSeen)) {
    return "<p>First version of " + EscapeMarkup(doc_id) + ": " +
           std::to_string(Number(event, "lines")) + " lines, SHA-256 <code>" +
           EscapeMarkup(Field(event, "hash")) + "</code>.</p>";
  }
  std::string html = "<p>" + std::to_string(Number(event, "lines_added")) + " line(s) added, " +
                     std::to_string(Number(event, "lines_removed")) + " removed";
  if (event.value("diff_approximate", false)) html += " (approximate)";
  html += ".</p>";
  return html + SectionsHtml(event, limits.max_sections) + DiffHtml(entry, doc_id, limits);
}

void AppendEntry(const AtomEntryInput& entry, const AtomFeedInput& input, const AtomLimits& limits,
                 std::string* xml) {
  const nlohmann::json& event = entry.event;
  *xml += "  <entry>\n";
  *xml += "    <id>" + EscapeMarkup(AtomEntryId(SeqOf(entry))) + "</id>\n";
  *xml += "    <title type=\"text\">" + EscapeMarkup(EntryTitle(event)) + "</title>\n";
  *xml += "    <updated>" + EscapeMarkup(EntryTime(event, input.generated_at)) + "</updated>\n";
  if (const std::string url = Field(event, "url", kMaxUrlBytes); !url.empty()) {
    *xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + EscapeMarkup(url) + "\"/>\n";
  }
  AppendCategory("change-class", Field(event, "change_class"), xml);
  AppendCategory("platform", Field(event, "platform"), xml);
  AppendCategory("doc-type", Field(event, "doc_type"), xml);
  *xml += "    <content type=\"html\">" + EscapeMarkup(ContentHtml(entry, limits)) + "</content>\n";
  *xml += "  </entry>\n";
}

}  // namespace

bool IsAtomEntryEvent(std::string_view event_type) {
  const std::optional<EventType> type = ParseEventType(event_type);
  return type == EventType::kFirstSeen || type == EventType::kChanged;
}

std::string AtomFeedId(const AtomScope& scope) {
  switch (scope.kind) {
    case AtomScopeKind::kDocument:
      return std::string(kTagPrefix) + "feed/doc/" + TagSpecific(scope.value);
    case AtomScopeKind::kPlatform:
      return std::string(kTagPrefix) + "feed/platform/" + TagSpecific(Slugify(scope.value));
    case AtomScopeKind::kAll:
      break;
  }
  return std::string(kTagPrefix) + "feed/all";
}

std::string AtomEntryId(uint64_t seq) {
  return std::string(kTagPrefix) + "event/" + std::to_string(seq);
}

std::string RenderAtomFeed(const AtomFeedInput& input, const AtomLimits& limits) {
  std::vector<const AtomEntryInput*> entries;
  for (const AtomEntryInput& entry : input.entries) {
    if (IsAtomEntryEvent(Field(entry.event, "type"))) entries.push_back(&entry);
  }
  std::sort(entries.begin(), entries.end(),
            [](const AtomEntryInput* a, const AtomEntryInput* b) { return SeqOf(*a) > SeqOf(*b); });
  if (entries.size() > limits.max_entries) entries.resize(limits.max_entries);

  const std::string updated =
      entries.empty() ? input.generated_at : EntryTime(entries.front()->event, input.generated_at);
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  xml += "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  xml += "  <id>" + EscapeMarkup(AtomFeedId(input.scope)) + "</id>\n";
  xml += "  <title type=\"text\">" + EscapeMarkup(FeedTitle(input.scope)) + "</title>\n";
  xml += "  <updated>" + EscapeMarkup(updated) + "</updated>\n";
  xml += "  <author><name>policyd</name></author>\n";
  xml += "  <generator version=\"" + EscapeMarkup(input.generator_version) +
         "\">policyd</generator>\n";
  if (!input.self_url.empty()) {
    xml += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" +
           EscapeMarkup(input.self_url) + "\"/>\n";
  }
  for (const AtomEntryInput* entry : entries) AppendEntry(*entry, input, limits, &xml);
  xml += "</feed>\n";
  return xml;
}

}  // namespace policyd
