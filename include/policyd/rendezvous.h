// Rendezvous (highest random weight) hashing: which member of a fleet owns a key.
//
// For a key, every member gets a score; the member with the highest score owns the key. When a
// member goes, only its keys move, each to the member with its next score; when one comes, it
// takes about 1/(N+1) of the keys, from all the others alike. Every member that knows the same
// member set computes the same owners, with no coordination.
//
// The scores are specified, so that every machine and build agrees (std::hash would not):
//   H(text)        = Sha256Prefix64(text): SHA-256's first 8 bytes, big-endian (sha256.h)
//   score(m, key)  = Mix64(H(m) XOR H(key))
//   Mix64(x)       = splitmix64's finaliser: x ^= x >> 30; x *= 0xbf58476d1ce4e5b9;
//                    x ^= x >> 27; x *= 0x94d049bb133111eb; x ^= x >> 31 (modulo 2^64)
// so a key costs one SHA-256 and then one multiply-xor mix per member. Equal scores (chance
// 2^-64) go to the member whose id sorts first, bytewise.
//
// No weights: every member takes an equal share. (Weighted rendezvous needs logarithms, whose
// last bit may differ between libm builds, and the members must agree bit for bit.)
#ifndef POLICYD_RENDEZVOUS_H_
#define POLICYD_RENDEZVOUS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace policyd {

// H above: the stable 64-bit hash of a key or member id.
uint64_t FleetHash(std::string_view text);

// score above, from the two hashes.
uint64_t RendezvousScore(uint64_t member_hash, uint64_t key_hash);

class Rendezvous {
 public:
  Rendezvous() = default;  // no members: nothing has an owner
  // The member ids, in any order; kept sorted, duplicates dropped.
  explicit Rendezvous(std::vector<std::string> member_ids);

  // The index in members() of the owner of a key whose FleetHash is `key_hash`; nullopt when
  // there are no members.
  std::optional<std::size_t> OwnerIndex(uint64_t key_hash) const;
  // The owner of `key`; nullptr when there are no members.
  const std::string* OwnerOf(std::string_view key) const;

  // The index of `member_id` in members(), if it is one.
  std::optional<std::size_t> IndexOf(std::string_view member_id) const;
  const std::vector<std::string>& members() const { return members_; }
  bool empty() const { return members_.empty(); }

 private:
  std::vector<std::string> members_;     // sorted, unique
  std::vector<uint64_t> member_hashes_;  // FleetHash of each, same order
};

}  // namespace policyd

#endif  // POLICYD_RENDEZVOUS_H_
