#include "extract_options.h"

#include <utility>

namespace policyd {

ExtractOptions MakeExtractOptions(const DocumentSpec& spec, const std::string& content_type) {
  ExtractOptions options;
  options.select = spec.select;
  options.remove = spec.remove;
  options.content_type = content_type;
  options.ranges.reserve(spec.select_ranges.size());
  for (const SelectRange& range : spec.select_ranges) {
    RangeSelector selector;
    selector.start_before = range.start_before;
    selector.start_after = range.start_after;
    selector.end_before = range.end_before;
    selector.end_after = range.end_after;
    options.ranges.push_back(std::move(selector));
  }
  options.ignore_lines = spec.ignore_lines;
  options.include_link_urls = spec.include_link_urls;
  return options;
}

}  // namespace policyd
