// TargetCatalog: the set of watched documents. Bundled targets come from the config's
// targets_dir (read-only to the daemon); targets added at run time are written as target files
// under <state_dir>/targets/; removing a bundled target records its id in the store (meta key
// "removed_targets"), so every change made with policyctl survives restarts and reloads.
#ifndef POLICYD_DAEMON_TARGET_CATALOG_H_
#define POLICYD_DAEMON_TARGET_CATALOG_H_

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/config.h"
#include "policyd/store.h"

namespace policyd {

class TargetCatalog {
 public:
  // Target files are read on up to `load_threads` threads.
  TargetCatalog(std::filesystem::path bundled_dir, std::filesystem::path runtime_dir, Store* store,
                std::size_t load_threads = 1);

  // Reads both directories and the removed list. On error the previous set is kept.
  Status Load();
  // The effective set, sorted by id (ids distinct). Shared with the daemon's documents: each
  // spec is held once, however many tables refer to it (at a million documents a second copy
  // costs hundreds of MB and seconds of start-up).
  const std::vector<std::shared_ptr<const DocumentSpec>>& documents() const { return documents_; }

  // Validates, compiles (CompileDocumentExtraction) and persists a new document;
  // InvalidArgument if it is invalid, a selector or expression does not compile, or its id
  // exists already.
  Result<DocumentSpec> Add(DocumentSpec spec);
  // Persists the removal of a document; NotFound if it is not watched.
  Status Remove(const std::string& doc_id);

 private:
  Status SaveRemoved();
  Status WriteRuntimePlatform(const std::string& platform_slug);

  std::filesystem::path bundled_dir_;
  std::filesystem::path runtime_dir_;
  Store* store_;
  std::size_t load_threads_;
  std::map<std::string, DocumentSpec> runtime_;  // id -> spec added at run time
  std::set<std::string> removed_;
  using SpecList = std::vector<std::shared_ptr<const DocumentSpec>>;
  // The first spec of documents_ whose id is not less than `id`.
  SpecList::iterator LowerBound(std::string_view id);
  // The spec of `id` in documents_, or documents_.end().
  SpecList::iterator FindDocument(std::string_view id);

  SpecList documents_;  // the effective set, sorted by id
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_TARGET_CATALOG_H_
