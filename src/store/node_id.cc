#include "policyd/node_id.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>

namespace policyd {
namespace {

constexpr char kNodeIdKey[] = "node_id";

Result<std::string> MakeNodeId() {
  std::array<unsigned char, kNodeIdLength / 2> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::IoError("cannot make a node id: OpenSSL RAND_bytes failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (const unsigned char byte : bytes) {
    id += kHex[byte >> 4];
    id += kHex[byte & 0x0f];
  }
  return id;
}

}  // namespace

bool IsValidNodeId(std::string_view id) {
  return id.size() == kNodeIdLength && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::string> LoadOrCreateNodeId(Store& store) {
  Result<std::string> stored = store.GetMeta(kNodeIdKey);
  if (stored.ok()) {
    if (!IsValidNodeId(*stored)) {
      return Status::Corruption("meta node_id is not 16 hex digits: \"" + *stored + "\"");
    }
    return stored;
  }
  if (!stored.status().IsNotFound()) return stored.status();
  Result<std::string> id = MakeNodeId();
  if (!id.ok()) return id;
  if (Status status = store.SetMeta(kNodeIdKey, *id); !status.ok()) return status;
  return id;
}

Result<std::string> RenewNodeId(Store& copy) {
  Result<std::string> stored = copy.GetMeta(kNodeIdKey);
  if (!stored.ok())
    return stored.status().IsNotFound() ? Result<std::string>(std::string()) : stored;
  Result<std::string> id = MakeNodeId();
  if (!id.ok()) return id;
  if (Status status = copy.SetMeta(kNodeIdKey, *id); !status.ok()) return status;
  return id;
}

}  // namespace policyd
