#include "policyd/fleet_plan.h"

#include <unordered_map>

#include "policyd/registrable_domain.h"

namespace policyd {

std::string FleetKeyOfUrl(std::string_view url) {
  Result<std::string> domain = RegistrableDomainOfUrl(url);
  return domain.ok() ? std::move(*domain) : std::string(url);
}

FleetPlan::FleetPlan(const std::vector<std::string>& document_keys) {
  std::unordered_map<std::string_view, uint32_t> index_of_key;
  index_of_key.reserve(document_keys.size());
  key_of_document_.reserve(document_keys.size());
  for (const std::string& key : document_keys) {
    const auto [it, inserted] =
        index_of_key.emplace(key, static_cast<uint32_t>(key_hashes_.size()));
    if (inserted) key_hashes_.push_back(FleetHash(key));
    key_of_document_.push_back(it->second);
  }
}

std::vector<uint32_t> FleetPlan::Owners(const Rendezvous& members) const {
  std::vector<uint32_t> owner_of_key(key_hashes_.size(), kNoOwner);
  if (!members.empty()) {
    for (std::size_t i = 0; i < key_hashes_.size(); ++i) {
      owner_of_key[i] = static_cast<uint32_t>(*members.OwnerIndex(key_hashes_[i]));
    }
  }
  std::vector<uint32_t> owners;
  owners.reserve(key_of_document_.size());
  for (const uint32_t key : key_of_document_) owners.push_back(owner_of_key[key]);
  return owners;
}

}  // namespace policyd
