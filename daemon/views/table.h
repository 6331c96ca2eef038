// A plain-text table for policyctl's human output: columns padded to their widest cell
// (counting UTF-8 code points, not bytes).
#ifndef POLICYD_DAEMON_VIEWS_TABLE_H_
#define POLICYD_DAEMON_VIEWS_TABLE_H_

#include <string>
#include <vector>

namespace policyd {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // The table with a header line, columns separated by two spaces, no trailing spaces.
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_TABLE_H_
