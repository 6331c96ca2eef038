#include "policyd/rendezvous.h"

#include <algorithm>

#include "policyd/sha256.h"

namespace policyd {

uint64_t FleetHash(std::string_view text) { return Sha256Prefix64(text); }

uint64_t RendezvousScore(uint64_t member_hash, uint64_t key_hash) {
  uint64_t x = member_hash ^ key_hash;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

Rendezvous::Rendezvous(std::vector<std::string> member_ids) : members_(std::move(member_ids)) {
  std::sort(members_.begin(), members_.end());
  members_.erase(std::unique(members_.begin(), members_.end()), members_.end());
  member_hashes_.reserve(members_.size());
  for (const std::string& id : members_) member_hashes_.push_back(FleetHash(id));
}

std::optional<std::size_t> Rendezvous::OwnerIndex(uint64_t key_hash) const {
  if (members_.empty()) return std::nullopt;
  std::size_t best = 0;
  uint64_t best_score = RendezvousScore(member_hashes_[0], key_hash);
  for (std::size_t i = 1; i < members_.size(); ++i) {
    // Strictly greater: on a tie the earlier (smaller) id keeps the key.
    if (const uint64_t score = RendezvousScore(member_hashes_[i], key_hash); score > best_score) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

const std::string* Rendezvous::OwnerOf(std::string_view key) const {
  const std::optional<std::size_t> index = OwnerIndex(FleetHash(key));
  return index ? &members_[*index] : nullptr;
}

std::optional<std::size_t> Rendezvous::IndexOf(std::string_view member_id) const {
  const auto it = std::lower_bound(members_.begin(), members_.end(), member_id);
  if (it == members_.end() || *it != member_id) return std::nullopt;
  return static_cast<std::size_t>(it - members_.begin());
}

}  // namespace policyd
