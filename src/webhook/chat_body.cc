// Request bodies: the stored event as it is, or a short message for a chat tool.
//
// A chat message is built once as plain pieces (a title, what happened, the sections, the
// URL), then rendered in the tool's markup with every piece escaped there: section names
// come from the watched pages, so a heading must never become a mention, a link or markup.
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/clock.h"
#include "policyd/event_names.h"
#include "policyd/json_text.h"
#include "policyd/markup_escape.h"
#include "policyd/text_bounds.h"
#include "policyd/webhook.h"

namespace policyd {
namespace {

constexpr std::size_t kMaxNameBytes = 200;      // platform, document type
constexpr std::size_t kMaxSectionBytes = 100;   // one section name
constexpr std::size_t kMaxSections = 5;         // listed; the rest are counted
constexpr std::size_t kMaxMessageBytes = 300;   // a failure's message
constexpr std::size_t kMaxDiscordBytes = 2000;  // Discord refuses longer content

// The message before markup. `title` is shown bold; `url` as a link.
struct ChatMessage {
  std::string title;
  std::string summary;   // follows the title on the first line
  std::string sections;  // "" or "Sections: a, b and 3 more"
  std::string url;
};

std::string Str(const nlohmann::json& event, const char* key) {
  const auto it = event.find(key);
  return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Int(const nlohmann::json& event, const char* key) {
  const auto it = event.find(key);
  return it != event.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// "## Sharing your data" -> "Sharing your data"; "" (text above the first heading) -> "(top)".
std::string SectionName(const std::string& heading) {
  std::string_view name = heading;
  while (!name.empty() && (name.front() == '#' || name.front() == ' ')) name.remove_prefix(1);
  return name.empty() ? "(top)" : TruncateUtf8(name, kMaxSectionBytes);
}

std::string SectionsLine(const nlohmann::json& event) {
  const auto sections = event.find("sections");
  if (sections == event.end() || !sections->is_array() || sections->empty()) return "";
  std::vector<std::string> names;
  for (const auto& section : *sections) {
    if (section.is_string() && names.size() < kMaxSections) {
      names.push_back(SectionName(section.get<std::string>()));
    }
  }
  const int64_t more = static_cast<int64_t>(sections->size() - names.size()) +
                       std::max<int64_t>(Int(event, "sections_truncated"), 0);
  std::string line = "Sections: ";
  for (std::size_t i = 0; i < names.size(); ++i) line += (i == 0 ? "" : ", ") + names[i];
  if (more > 0) line += " and " + std::to_string(more) + " more";
  return line;
}

std::string ChangedSummary(const nlohmann::json& event) {
  const std::string change_class = Str(event, "change_class");
  if (change_class.empty()) {  // stored before change classes existed
    return "changed: " + std::to_string(Int(event, "lines_added")) + " lines added, " +
           std::to_string(Int(event, "lines_removed")) + " removed";
  }
  if (change_class != "substantive") {
    return "changed (" + change_class + "): no words added or removed";
  }
  return "changed (substantive): " + std::to_string(Int(event, "words_added")) + " words added, " +
         std::to_string(Int(event, "words_removed")) + " removed";
}

ChatMessage MessageFor(const nlohmann::json& event) {
  ChatMessage message;
  const std::string type = Str(event, "type");
  message.title = TruncateUtf8(Str(event, "platform"), kMaxNameBytes) + " " +
                  TruncateUtf8(Str(event, "doc_type"), kMaxNameBytes);
  message.url = Str(event, "url");
  const std::optional<EventType> stored_type = ParseEventType(type);
  if (stored_type == EventType::kChanged) {
    message.summary = ChangedSummary(event);
    message.sections = SectionsLine(event);
  } else if (stored_type == EventType::kFirstSeen) {
    message.summary =
        "is now watched: first version, " + std::to_string(Int(event, "lines")) + " lines";
  } else if (stored_type == EventType::kReread) {
    message.summary = "re-read: policyd's reading of the page changed, not the page";
    message.sections = SectionsLine(event);
  } else if (stored_type == EventType::kFetchFailed) {
    message.summary = "cannot be fetched (" + Str(event, "reason") + ", " +
                      std::to_string(Int(event, "consecutive_failures")) +
                      " checks in a row): " + TruncateUtf8(Str(event, "message"), kMaxMessageBytes);
  } else if (stored_type == EventType::kRecovered) {
    message.summary =
        "can be fetched again after " + std::to_string(Int(event, "failures")) + " failed checks";
  } else if (type == "webhook.test") {
    message.title = "policyd";
    message.summary =
        "test message for webhook '" + Str(event, "webhook") + "', sent " + Str(event, "time");
  } else {
    message.summary = TruncateUtf8(type, kMaxNameBytes);
  }
  return message;
}

// An invisible WORD JOINER (U+2060): between two characters it changes no word a reader sees,
// but no chat tool reads a mention or a link across it.
constexpr std::string_view kWordJoiner = "\u2060";

// Text from a page or a config, made unable to ping or link in any tool a chat format reaches
// (Slack-compatible Mattermost and Rocket.Chat mention @channel/@all/@here and render
// Markdown links; every tool links a bare URL): a word joiner after each '@', inside each
// "://" and between each "](".
std::string Defuse(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    const std::string_view rest = text.substr(i + 1);
    if (text[i] == '@' || (text[i] == ':' && rest.starts_with("//")) ||
        (text[i] == ']' && rest.starts_with("("))) {
      out += kWordJoiner;
    }
  }
  return out;
}

// Slack mrkdwn: &, < and > are the only characters with a meaning to escape (a "<!channel>"
// needs them).
std::string SlackEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

// Discord Markdown: a backslash before every character that could start markup.
std::string DiscordEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view("\\*_~`|>#[]<@").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Joins the message's lines, each piece passed through `escape`; `bold` wraps the title and
// `link` renders the URL.
template <typename Escape, typename Bold, typename Link>
std::string Render(const ChatMessage& message, Escape escape, Bold bold, Link link,
                   std::string_view newline) {
  std::string text = bold(escape(message.title)) + " " + escape(message.summary);
  if (!message.sections.empty()) text += std::string(newline) + escape(message.sections);
  if (!message.url.empty()) text += std::string(newline) + link(message.url);
  return text;
}

std::string SlackBody(const ChatMessage& message) {
  const std::string text = Render(
      message, [](std::string_view s) { return SlackEscape(Defuse(s)); },
      [](const std::string& s) { return "*" + s + "*"; },
      [](const std::string& url) { return "<" + SlackEscape(url) + ">"; }, "\n");
  return JsonText(nlohmann::json{{"text", text}});
}

std::string DiscordBody(const ChatMessage& message) {
  // <url> shows the link without an embed preview of the watched page. Cut to Discord's limit,
  // the text before the link is cut, so that the link stays whole (unless it alone is longer).
  const std::string link = message.url.empty() ? "" : "\n<" + message.url + ">";
  ChatMessage text_only = message;
  text_only.url.clear();
  std::string content = Render(
      text_only, [](std::string_view s) { return DiscordEscape(Defuse(s)); },
      [](const std::string& s) { return "**" + s + "**"; },
      [](const std::string& url) { return url; }, "\n");
  content = link.size() + kTruncationMark.size() < kMaxDiscordBytes
                ? TruncateUtf8(content, kMaxDiscordBytes - link.size()) + link
                : TruncateUtf8(content + link, kMaxDiscordBytes);
  return JsonText(nlohmann::json{{"content", content},
                                 {"allowed_mentions", {{"parse", nlohmann::json::array()}}}});
}

std::string MatrixBody(const ChatMessage& message) {
  const auto same = [](const std::string& s) { return s; };
  const auto defused = [](std::string_view s) { return Defuse(s); };
  const std::string text = Render(message, defused, same, same, "\n");
  const std::string html = Render(
      message, [](std::string_view s) { return EscapeMarkup(Defuse(s)); },
      [](const std::string& s) { return "<b>" + s + "</b>"; },
      [](const std::string& url) {
        return "<a href=\"" + EscapeMarkup(url) + "\">" + EscapeMarkup(url) + "</a>";
      },
      "<br>");
  return JsonText(nlohmann::json{{"text", text}, {"html", html}});
}

}  // namespace

nlohmann::json WebhookTestEvent(const std::string& webhook_name, int64_t now_ms) {
  return {{"seq", 0},
          {"type", "webhook.test"},
          {"time", FormatTimestamp(now_ms)},
          {"webhook", webhook_name},
          {"message", "a test event sent by `policyctl webhooks test`; not in the event log"}};
}

Result<std::string> WebhookBody(WebhookFormat format, std::string_view event_line) {
  if (format == WebhookFormat::kJson) return std::string(event_line);
  // Invalid UTF-8 cannot come from the store (events are dumped by nlohmann), but a body
  // must never fail to serialise: replace rather than throw.
  const auto event = nlohmann::json::parse(event_line, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) return Status::InvalidArgument("event is not a JSON object");
  const ChatMessage message = MessageFor(event);
  try {
    switch (format) {
      case WebhookFormat::kSlack:
        return SlackBody(message);
      case WebhookFormat::kDiscord:
        return DiscordBody(message);
      case WebhookFormat::kMatrix:
        return MatrixBody(message);
      case WebhookFormat::kJson:
        break;
    }
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidArgument(std::string("cannot render the chat body: ") + error.what());
  }
  return std::string(event_line);
}

}  // namespace policyd
