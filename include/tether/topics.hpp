// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_TOPICS_HPP
#define TETHER_TOPICS_HPP

// Connections grouped by topic, and a publish() that sends one shared message
// to every member of a topic (in the spirit of uWebSockets' publish()).
// Subscribe and unsubscribe are O(1) on average; unsubscribe_all() is
// O(topics of that connection), for when a connection ends. Publishing costs
// one send_shared() per member: no payload copy for server connections.
//
//   tether::topics<tether::connection> rooms;
//   rooms.subscribe("lobby", ws);
//   rooms.publish("lobby", tether::shared_message::text(e.text()),
//                 [](tether::connection& member, std::error_code ec) { /* full or closing: drop it? */ });
//   rooms.unsubscribe_all(ws);   // before ws is destroyed
//
// Not thread-safe: one registry per thread (an event loop), like the
// connections it holds. It stores pointers: a connection must be
// unsubscribed before it is destroyed or moved. Not in tether.hpp (it pulls
// in <unordered_map>): include it where it is used.

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connection/shared_message.hpp"

namespace tether {

template <class Connection>
class topics {
 public:
  // True when the connection was not a member yet.
  bool subscribe(std::string_view topic, Connection& member) {
    auto found = topics_.find(std::string(topic));
    if (found == topics_.end()) found = topics_.emplace(std::string(topic), group{}).first;
    group& g = found->second;
    if (!g.positions.emplace(&member, g.members.size()).second) return false;
    g.members.push_back(&member);
    memberships_[&member].push_back(&found->first);
    return true;
  }

  // True when the connection was a member.
  bool unsubscribe(std::string_view topic, Connection& member) {
    const auto found = topics_.find(std::string(topic));
    if (found == topics_.end() || !remove(found, member)) return false;
    auto& names = memberships_[&member];
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == &found->first) {
        names[i] = names.back();
        names.pop_back();
        break;
      }
    }
    if (names.empty()) memberships_.erase(&member);
    if (found->second.members.empty()) topics_.erase(found);
    return true;
  }

  // Leaves every topic (call it before the connection goes away).
  void unsubscribe_all(Connection& member) {
    const auto found = memberships_.find(&member);
    if (found == memberships_.end()) return;
    for (const std::string* name : found->second) {
      const auto topic = topics_.find(*name);
      remove(topic, member);
      if (topic->second.members.empty()) topics_.erase(topic);
    }
    memberships_.erase(found);
  }

  // Sends the message to every member; `refused(member, ec)` hears of each
  // send that was refused (output_queue_full for a reader that fell behind,
  // or the connection is closing). Returns how many were sent. A refusal may
  // unsubscribe that member, or any other, from inside the callback.
  template <class OnRefused>
  std::size_t publish(std::string_view topic, const shared_message& message, OnRefused&& refused) {
    const auto found = topics_.find(std::string(topic));
    if (found == topics_.end()) return 0;
    // A copy of the member list: the callback may change the topic.
    scratch_.assign(found->second.members.begin(), found->second.members.end());
    std::size_t sent = 0;
    for (Connection* member : scratch_) {
      if (const std::error_code ec = member->send_shared(message)) {
        refused(*member, ec);
      } else {
        ++sent;
      }
    }
    return sent;
  }

  std::size_t size(std::string_view topic) const {
    const auto found = topics_.find(std::string(topic));
    return found == topics_.end() ? 0 : found->second.members.size();
  }

 private:
  struct group {
    std::vector<Connection*> members;
    std::unordered_map<Connection*, std::size_t> positions;  // index in members
  };
  using topic_map = std::unordered_map<std::string, group>;

  // Swap-and-pop: O(1), the last member takes the removed one's place.
  static bool remove(typename topic_map::iterator topic, Connection& member) {
    group& g = topic->second;
    const auto at = g.positions.find(&member);
    if (at == g.positions.end()) return false;
    const std::size_t index = at->second;
    g.members[index] = g.members.back();
    g.positions[g.members[index]] = index;
    g.members.pop_back();
    g.positions.erase(&member);
    return true;
  }

  topic_map topics_;  // node-based: the names' addresses stay put
  std::unordered_map<Connection*, std::vector<const std::string*>> memberships_;
  std::vector<Connection*> scratch_;
};

}  // namespace tether

#endif
