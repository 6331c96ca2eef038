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
  int order = 0;  // of the held id against the wanted one
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const std::string& id = wanted[i]->id;
    // One comparison per step (at a million ids of a common prefix, comparing is most of it).
    while (held != order_.end() && (order = slots_[*held].spec->id.compare(id)) < 0) ++held;
    if (held == order_.end() || order != 0) absent.push_back(i);
  }
  return absent;
}

void DocumentTable::Sync(const std::vector<SharedSpec>& wanted,
                         const std::function<void(Document&)>& removing,
                         const std::function<void(Document&, const DocumentSpec*)>& visit,
                         std::vector<SharedSpec>* retired) {
  const auto retire = [retired](SharedSpec& spec) {
    if (retired != nullptr && spec != nullptr) retired->push_back(std::move(spec));
  };
  // Both lists are in id order: one merge finds the documents that go and where in `wanted`
  // the kept ones are; the second pass then needs no comparison.
  struct Kept {
    std::size_t wanted_index;
    DocHandle handle;
  };
  std::vector<Kept> kept;
  kept.reserve(std::min(order_.size(), wanted.size()));
  std::size_t next_wanted = 0;
  for (const DocHandle handle : order_) {
    const std::string& id = slots_[handle].spec->id;
    int order = 0;  // of the wanted id against the held one
    while (next_wanted < wanted.size() && (order = wanted[next_wanted]->id.compare(id)) < 0) {
      ++next_wanted;
    }
    if (next_wanted < wanted.size() && order == 0) {
      kept.push_back({next_wanted, handle});
    } else {
      removing(slots_[handle]);
      retire(slots_[handle].spec);
      Release(handle);
    }
  }

  std::vector<DocHandle> order;
  order.reserve(wanted.size());
  if (const std::size_t added = wanted.size() - kept.size(); added > free_.size()) {
    slots_.reserve(slots_.size() + added - free_.size());
  }
  auto next_kept = kept.begin();
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const bool known = next_kept != kept.end() && next_kept->wanted_index == i;
    const DocHandle handle = known ? (next_kept++)->handle : Acquire();
    order.push_back(handle);
    Document& doc = slots_[handle];
    SharedSpec previous = std::exchange(doc.spec, wanted[i]);
    visit(doc, previous.get());
    if (previous != doc.spec) retire(previous);
  }
  order_ = std::move(order);
}

DocumentTable::Document& DocumentTable::Insert(SharedSpec spec) {
  const auto position = LowerBound(spec->id);
  const DocHandle handle = Acquire();  // slots_ may grow: order_ holds handles, not pointers
  slots_[handle].spec = std::move(spec);
  order_.insert(position, handle);
  return slots_[handle];
}

DocumentTable::SharedSpec DocumentTable::Erase(std::string_view id) {
  const auto position = LowerBound(id);
  if (position == order_.end() || slots_[*position].spec->id != id) return nullptr;
  const DocHandle handle = *position;
  SharedSpec spec = std::move(slots_[handle].spec);
  order_.erase(position);
  Release(handle);
  return spec;
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
