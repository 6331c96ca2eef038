// DocumentTable: the daemon's watched documents, compact enough for a million on one node
// (issue 19). Each document lives in a slot addressed by its DocHandle, the small integer the
// scheduler knows it by; its id is stored once, in its spec (shared with the catalog). The
// handles in id order are the table's order: iteration (list, status) follows it, and a
// lookup by id is a binary search over it. No string is kept per document besides the spec's.
//
// Handles: a new document takes the most recently freed slot, or a new one. The documents of
// the first Sync (the daemon's start) get handles 0, 1, ... in id order, so that the
// scheduler's tie-break between equal due times (the handle) follows the ids there, as it did
// when the scheduler held the ids. A handle names a document only while it is in the table:
// code that waits (a check in flight) holds the id and looks the document up again.
#ifndef POLICYD_DAEMON_DOCUMENT_TABLE_H_
#define POLICYD_DAEMON_DOCUMENT_TABLE_H_

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

#include "packed_state.h"
#include "policyd/config.h"
#include "policyd/scheduler.h"
#include "policyd/store.h"

namespace policyd {

class DocumentTable {
 public:
  // 40 bytes, besides the spec (shared) and a state once there is one.
  struct Document {
    std::shared_ptr<const DocumentSpec> spec;  // never null in the table; shared with the catalog
    DocHandle handle = 0;
    uint64_t fleet_key_hash = 0;  // [fleet]: FleetHash of its registrable domain, else 0
    // For the first pass (`status`): a check of it was recorded since the daemon started, or
    // its stored state held one when it was watched (before this start, or before a removed
    // document was added back).
    bool checked_since_start = false;
    bool checked_before = false;
    // [fleet] Neither, but left to the member that owns its site when it first came due: its
    // part of the first pass is done there.
    bool left_to_other_member = false;

    // Its state as last stored, kept packed (PackedState): the default one (never checked,
    // nothing stored) takes no memory at all. state() unpacks a copy; packed_state() reads the
    // fields that loops over every document need.
    DocState state() const { return packed_.Unpack(); }
    const PackedState& packed_state() const { return packed_; }
    void SetState(const DocState& state) { packed_ = PackedState(state); }
    void SetState(PackedState state) { packed_ = std::move(state); }

   private:
    PackedState packed_;
  };
  using SharedSpec = std::shared_ptr<const DocumentSpec>;

  // Iterates the documents in id order.
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Document;
    using difference_type = std::ptrdiff_t;
    using pointer = const Document*;
    using reference = const Document&;
    Iterator() = default;
    reference operator*() const { return (*slots_)[*position_]; }
    pointer operator->() const { return &(*slots_)[*position_]; }
    Iterator& operator++() {
      ++position_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++position_;
      return before;
    }
    bool operator==(const Iterator& other) const { return position_ == other.position_; }

   private:
    friend class DocumentTable;
    Iterator(const std::vector<Document>* slots, std::vector<DocHandle>::const_iterator position)
        : slots_(slots), position_(position) {}
    const std::vector<Document>* slots_ = nullptr;
    std::vector<DocHandle>::const_iterator position_;
  };

  std::size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }
  Iterator begin() const { return Iterator(&slots_, order_.begin()); }
  Iterator end() const { return Iterator(&slots_, order_.end()); }

  // The document with `id`, or nullptr.
  Document* Find(std::string_view id);
  const Document* Find(std::string_view id) const;
  bool Contains(std::string_view id) const { return Find(id) != nullptr; }
  // The document of `handle`, which must be in the table (a handle PopDue just returned).
  Document& at(DocHandle handle) { return slots_[handle]; }
  const Document& at(DocHandle handle) const { return slots_[handle]; }

  // The indexes in `wanted` (sorted by id) of the documents the table does not hold: those a
  // Sync with it would add, in id order.
  std::vector<std::size_t> Absent(const std::vector<SharedSpec>& wanted) const;

  // Makes the table hold exactly `wanted` (sorted by id, ids distinct): first `removing` is
  // called for each document no longer wanted, in id order, before it goes; then `visit` for
  // each wanted document in id order, its spec already the wanted one; `previous` is the spec
  // it had, nullptr for a document just added (in a new slot, state default). With `retired`,
  // the specs the table lets go of (a removed document's, a replaced one's) are moved there
  // instead of being released here: after a reload that is every spec, and freeing a million
  // of them is work the caller can give another thread.
  void Sync(const std::vector<SharedSpec>& wanted, const std::function<void(Document&)>& removing,
            const std::function<void(Document&, const DocumentSpec* previous)>& visit,
            std::vector<SharedSpec>* retired = nullptr);

  // One document at a time (a run-time `add` or `remove`), without the pass over every
  // document that Sync makes: the table ends as a Sync with that one more or less would
  // leave it, in the time of a binary search and a move of the handles after it.
  // Insert: `spec`'s id must not be in the table; the new document (in the most recently
  // freed slot, or a new one; state default) is returned.
  Document& Insert(SharedSpec spec);
  // Erase: the document with `id` leaves the table and its slot is freed; its spec is
  // returned (nullptr, and nothing changed, when no document has that id).
  SharedSpec Erase(std::string_view id);

 private:
  DocHandle Acquire();
  void Release(DocHandle handle);
  // The position in order_ of the first document whose id is not less than `id`.
  std::vector<DocHandle>::const_iterator LowerBound(std::string_view id) const;

  std::vector<Document> slots_;  // by handle; a free slot has no spec
  std::vector<DocHandle> free_;  // free slots, the most recently freed last
  std::vector<DocHandle> order_;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_DOCUMENT_TABLE_H_
