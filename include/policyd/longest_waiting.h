// The capacity rule the control and web servers share: when every place is taken and a new
// client arrives, the connection that has waited longest without a request in progress
// gives its place up (it can reconnect), so that an operator gets through while idle clients
// hold the socket; only when every connection is mid-request is the newcomer refused.
#ifndef POLICYD_LONGEST_WAITING_H_
#define POLICYD_LONGEST_WAITING_H_

namespace policyd {

// The connection of `connections` (shared pointers to objects with bool waiting() and a
// comparable waiting_since()) idle longest without a request in progress; null if none is.
template <typename Connections>
typename Connections::value_type LongestWaiting(const Connections& connections) {
  typename Connections::value_type longest;
  for (const auto& connection : connections) {
    if (connection->waiting() &&
        (longest == nullptr || connection->waiting_since() < longest->waiting_since())) {
      longest = connection;
    }
  }
  return longest;
}

}  // namespace policyd

#endif  // POLICYD_LONGEST_WAITING_H_
