#include "policyd/json_limits.h"

#include <string>

namespace policyd {
namespace {

// Counts nesting and builds nothing; returning false from a SAX event stops the parser there,
// so a line of a million '[' costs at most `max_depth` + 1 of them.
class DepthChecker final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit DepthChecker(std::size_t max_depth) : max_depth_(max_depth) {}

  bool too_deep() const { return too_deep_; }
  const std::string& syntax_error() const { return syntax_error_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool key(string_t&) override { return true; }
  bool start_object(std::size_t) override { return Enter(); }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t) override { return Enter(); }
  bool end_array() override { return Leave(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& error) override {
    syntax_error_ = error.what();
    return false;
  }

 private:
  bool Enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }
  bool Leave() {
    --depth_;
    return true;
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  std::string syntax_error_;
};

}  // namespace

Result<nlohmann::json> ParseJsonWithDepthLimit(std::string_view text, std::size_t max_depth) {
  DepthChecker checker(max_depth);
  const bool complete =
      nlohmann::json::sax_parse(text, &checker, nlohmann::json::input_format_t::json,
                                /*strict=*/true, /*ignore_comments=*/false);
  if (checker.too_deep()) {
    return Status::InvalidArgument("JSON nested deeper than " + std::to_string(max_depth) +
                                   " levels");
  }
  if (!complete) {
    return Status::InvalidArgument("not JSON (" + checker.syntax_error() + ")");
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status::InvalidArgument("not JSON");
  return value;
}

}  // namespace policyd
