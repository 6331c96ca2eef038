// TargetCatalog: the set of watched documents. Bundled targets come from the config's
// targets_dir (read-only to the daemon); targets added at run time are written as target files
// under <state_dir>/targets/; removing a bundled target records its id in the store (meta key
// "removed_targets"), so every change made with policyctl survives restarts and reloads.
#ifndef POLICYD_DAEMON_TARGET_CATALOG_H_
#define POLICYD_DAEMON_TARGET_CATALOG_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "policyd/config.h"
#include "policyd/store.h"
#include "policyd/target_file_cache.h"

namespace policyd {

class TargetCatalog {
 public:
  // Target files are read on up to `load_threads` threads; with a `cache`, files parsed
  // before are not parsed again (policyd/target_file_cache.h). With an `address_policy`
  // (which outlives the catalog), a document on a literal address that config's
  // allow_private_addresses/allowed_addresses refuse (TargetAddressRefusal) is logged at each
  // load and refused by Add: every check of it would fail as blocked_address.
  TargetCatalog(std::filesystem::path bundled_dir, std::filesystem::path runtime_dir, Store* store,
                std::size_t load_threads = 1, std::unique_ptr<TargetFileCache> cache = nullptr,
                const DaemonConfig* address_policy = nullptr);
  // Waits for a cache being written.
  ~TargetCatalog();
  TargetCatalog(const TargetCatalog&) = delete;
  TargetCatalog& operator=(const TargetCatalog&) = delete;

  using SpecList = std::vector<std::shared_ptr<const DocumentSpec>>;

  // Reads both directories and the removed list. On error the previous set is kept. When the
  // cache no longer matches the files, it is written again on a thread of its own
  // (policyd-tcache), off the start's path; a failure to write it is logged, not returned.
  // Read, then Adopt.
  Status Load();

  // What a Read found: the effective set and what it was merged from.
  struct Snapshot {
    SpecList documents;                           // sorted by id
    std::map<std::string, DocumentSpec> runtime;  // id -> spec added at run time
    std::set<std::string> removed;
    // The removed documents that a target file declares (as declared): `add` brings them back.
    std::map<std::string, std::shared_ptr<const DocumentSpec>> removed_declared;
    uint64_t generation = 0;  // generation() when the read began
  };
  // Load in two halves, for an owner that reads off its own thread (the daemon's reload reads
  // on its worker pool, not on the event loop: at a million documents a read takes ~0.5 s).
  // Read touches none of the state that Add, Remove and documents() use, so those may run on
  // the owner's thread meanwhile; two reads (Read or Load) may not overlap. `generation` is
  // generation() taken on the owner's thread before the read.
  Result<Snapshot> Read(uint64_t generation);
  // Owner's thread. Makes `snapshot` the set. Busy, and the set unchanged, when an Add or a
  // Remove ran since the read began: the read may have missed it, so read again.
  Status Adopt(Snapshot snapshot);
  // Changes at every Add and Remove (a refused one may have written a file before it failed).
  uint64_t generation() const { return generation_; }
  // True when `id` was removed with `policyctl remove` and not added since.
  bool RemovedAtRunTime(const std::string& id) const { return removed_.contains(id); }
  // Waits until the cache written by the last Load, if any, is on disk.
  void WaitForCacheWrite();
  // The effective set, sorted by id (ids distinct). Shared with the daemon's documents: each
  // spec is held once, however many tables refer to it (at a million documents a second copy
  // costs hundreds of MB and seconds of start-up).
  const std::vector<std::shared_ptr<const DocumentSpec>>& documents() const { return documents_; }

  // Validates, compiles (CompileDocumentExtraction) and persists a new document, and returns
  // its spec as documents() now holds it; InvalidArgument if it is invalid, its address is
  // refused (see the constructor), a selector or expression does not compile, or its id exists
  // already.
  Result<std::shared_ptr<const DocumentSpec>> Add(DocumentSpec spec);
  // Persists the removal of a document; NotFound if it is not watched.
  Status Remove(const std::string& doc_id);

 private:
  Status SaveRemoved();
  // Read without the cache's opening and closing.
  Status ReadDocuments(Snapshot* snapshot);
  // Ends the cache's load: written on policyd-tcache when it changed and the load succeeded.
  void FinishCacheLoad(bool loaded);
  // Logs the documents whose address the policy refuses (the first few by name).
  void WarnAboutRefusedAddresses(const SpecList& documents) const;
  // Logs each webhook filter that names no platform or type of `documents`.
  void WarnAboutUnmatchedWebhookFilters(const SpecList& documents) const;
  // Logs the declared documents that `policyctl remove` keeps unwatched, with the command that
  // watches each again.
  static void NoteRemovedDeclared(
      const std::map<std::string, std::shared_ptr<const DocumentSpec>>& removed_declared);
  Status WriteRuntimePlatform(const std::string& platform_slug);

  std::filesystem::path bundled_dir_;
  std::filesystem::path runtime_dir_;
  Store* store_;
  std::size_t load_threads_;
  std::map<std::string, DocumentSpec> runtime_;  // id -> spec added at run time
  std::set<std::string> removed_;
  std::map<std::string, std::shared_ptr<const DocumentSpec>> removed_declared_;  // Snapshot's
  // The first spec of documents_ whose id is not less than `id`.
  SpecList::iterator LowerBound(std::string_view id);
  // The spec of `id` in documents_, or documents_.end().
  SpecList::iterator FindDocument(std::string_view id);

  SpecList documents_;  // the effective set, sorted by id
  uint64_t generation_ = 0;
  std::unique_ptr<TargetFileCache> cache_;  // null: every file is parsed at every load
  // The daemon's config: its address policy, and its webhooks, whose filters are checked
  // against the documents at each load. Null: addresses are the fetcher's to judge.
  const DaemonConfig* address_policy_;
  std::thread cache_writer_;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_TARGET_CATALOG_H_
