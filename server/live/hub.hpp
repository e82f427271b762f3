#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "live/live_message.hpp"

namespace plenary::live {

// What a live connection offers the hub. deliver() is called from whichever
// thread publishes (the database writer, right after a commit) and must only
// queue the shared text for its own strand; it must never block.
class LiveSubscriber {
 public:
  virtual ~LiveSubscriber() = default;
  virtual void deliver(const ChannelKey& channel, std::int64_t seq, std::shared_ptr<const std::string> text) = 0;
};

// The subscriptions of every live connection, by channel. Owns no
// connection: it holds weak references and forgets the dead ones as it
// meets them. publish() serialises a message once per language asked for
// and hands the same buffer to every subscriber of that language, after
// copying the list under the lock: no lock is held while delivering.
// Thread-safety: every member function may be called from any thread.
class Hub {
 public:
  struct Options {
    std::string language = "*";
    bool delegates = false;  // may receive delegates-only messages
  };

  void subscribe(const ChannelKey& channel, const std::shared_ptr<LiveSubscriber>& subscriber, Options options,
                 ChannelLanguages languages);
  void unsubscribe(const ChannelKey& channel, const LiveSubscriber* subscriber);
  void publish(const LiveMessage& message);
  std::size_t subscriptions() const;

 private:
  struct Entry {
    std::weak_ptr<LiveSubscriber> subscriber;
    const LiveSubscriber* identity = nullptr;
    Options options;
  };
  struct Channel {
    ChannelLanguages languages;
    // By identity: a connection arriving or leaving costs O(1), not a scan.
    std::unordered_map<const LiveSubscriber*, Entry> entries;
  };

  mutable std::mutex mutex_;
  std::map<ChannelKey, Channel> channels_;
};

}  // namespace plenary::live
