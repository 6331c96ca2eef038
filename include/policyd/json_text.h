// JSON values as text, without exceptions. nlohmann::json's dump() throws when a string holds
// bytes that are not UTF-8 (its default error handler, `strict`), and the daemon's JSON quotes
// what others wrote: a client's request in an error reply, a page's text, a server's header.
// One such byte must not stop the daemon, so every JSON the daemon writes goes through here.
#ifndef POLICYD_JSON_TEXT_H_
#define POLICYD_JSON_TEXT_H_

#include <string>

#include <nlohmann/json.hpp>

namespace policyd {

// `value` as JSON text, compact (`indent` -1) or indented by `indent` spaces. Bytes of a string
// that are not UTF-8 are written as U+FFFD (error_handler_t::replace); never throws.
std::string JsonText(const nlohmann::json& value, int indent = -1);
// The same for an object whose keys keep their insertion order (a log line's fields).
std::string JsonText(const nlohmann::ordered_json& value, int indent = -1);

}  // namespace policyd

#endif  // POLICYD_JSON_TEXT_H_
