#include "extract_options.h"

namespace policyd {

ExtractOptions MakeExtractOptions(const DocumentSpec& spec, const std::string& content_type) {
  ExtractOptions options;
  options.select = spec.select;
  options.remove = spec.remove;
  options.content_type = content_type;
  return options;
}

}  // namespace policyd
