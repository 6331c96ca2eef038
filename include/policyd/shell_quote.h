// Text as a POSIX shell word, for the commands policyd prints for people to run (a log line's
// `policyctl add ...`) and the completion scripts policyctl writes: one quoter for both.
#ifndef POLICYD_SHELL_QUOTE_H_
#define POLICYD_SHELL_QUOTE_H_

#include <string>
#include <string_view>

namespace policyd {

// `text` as one single-quoted POSIX shell word ('it'\''s'), always quoted.
std::string ShellQuote(std::string_view text);

// `text` as one shell word, bare when it holds only characters no shell treats specially
// (ASCII letters, digits and . _ / : = @ % + , -) and is not empty, else ShellQuote(text): what
// a person copies from a log line.
std::string ShellWord(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_SHELL_QUOTE_H_
