#include "document_table.h"

#include <algorithm>
#include <utility>

namespace policyd {

DocumentTable::Document* DocumentTable::Find(std::string_view id) {
  return const_cast<Document*>(std::as_const(*this).Find(id));
}

const DocumentTable::Document* DocumentTable::Find(std::string_view id) const {
  const auto it = LowerBound(id);
  if (it == order_.end() || slots_[*it].spec->id != id) return nullptr;
  return &slots_[*it];
}

std::vector<DocHandle>::const_iterator DocumentTable::LowerBound(std::string_view id) const {
  return std::lower_bound(order_.begin(), order_.end(), id,
                          [this](DocHandle handle, std::string_view wanted) {
                            return std::string_view(slots_[handle].spec->id) < wanted;
                          });
}

std::vector<std::size_t> DocumentTable::Absent(const std::vector<SharedSpec>& wanted) const {
  std::vector<std::size_t> absent;
  auto held = order_.begin();
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const std::string& id = wanted[i]->id;
    while (held != order_.end() && slots_[*held].spec->id < id) ++held;
    if (held == order_.end() || slots_[*held].spec->id != id) absent.push_back(i);
  }
  return absent;
}

void DocumentTable::Sync(const std::vector<SharedSpec>& wanted,
                         const std::function<void(Document&)>& removing,
                         const std::function<void(Document&, const DocumentSpec*)>& visit) {
  // Both lists are in id order: one merge finds the documents that go, one the new ones.
  std::vector<DocHandle> kept;
  kept.reserve(std::min(order_.size(), wanted.size()));
  auto next_wanted = wanted.begin();
  for (const DocHandle handle : order_) {
    const std::string& id = slots_[handle].spec->id;
    while (next_wanted != wanted.end() && (*next_wanted)->id < id) ++next_wanted;
    if (next_wanted != wanted.end() && (*next_wanted)->id == id) {
      kept.push_back(handle);
    } else {
      removing(slots_[handle]);
      Release(handle);
    }
  }

  std::vector<DocHandle> order;
  order.reserve(wanted.size());
  if (const std::size_t added = wanted.size() - kept.size(); added > free_.size()) {
    slots_.reserve(slots_.size() + added - free_.size());
  }
  auto next_kept = kept.begin();
  for (const SharedSpec& spec : wanted) {
    // `kept` is the part of `wanted` already in the table, in the same order.
    const bool known = next_kept != kept.end() && slots_[*next_kept].spec->id == spec->id;
    const DocHandle handle = known ? *next_kept++ : Acquire();
    order.push_back(handle);
    Document& doc = slots_[handle];
    const SharedSpec previous = std::exchange(doc.spec, spec);
    visit(doc, previous.get());
  }
  order_ = std::move(order);
}

DocHandle DocumentTable::Acquire() {
  if (!free_.empty()) {
    const DocHandle handle = free_.back();
    free_.pop_back();
    return handle;
  }
  const auto handle = static_cast<DocHandle>(slots_.size());
  slots_.emplace_back().handle = handle;
  return handle;
}

void DocumentTable::Release(DocHandle handle) {
  Document& slot = slots_[handle];
  slot = Document();
  slot.handle = handle;
  free_.push_back(handle);
}

}  // namespace policyd
