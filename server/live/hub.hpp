#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "live/live_message.hpp"

namespace boost::asio {
class io_context;
}

namespace plenary::live {

// What a live connection offers the hub. deliver() is called on one of the
// hub's lanes (an I/O thread) with a whole WebSocket frame shared by every
// recipient; it hands the frame to the connection's own strand and never
// blocks. A subscriber is always called from the same lane, in seq order.
class LiveSubscriber {
 public:
  virtual ~LiveSubscriber() = default;
  virtual void deliver(const ChannelKey& channel, std::int64_t seq,
                       const std::shared_ptr<const std::string>& frame) = 0;
};

// The subscriptions of every live connection, by channel. Owns no
// connection: it holds weak references and forgets the dead ones as it
// meets them. publish() serialises a message once per language asked for,
// frames it once, and hands the same buffer to every subscriber of that
// language, after copying the list under the lock: no lock is held while
// delivering. The deliveries run in lanes, strands of the I/O threads' own
// executor (one per I/O thread), so every I/O thread sends at the same time
// and each connection's strand is usually entered at once, not queued; a
// subscriber stays in one lane, so its messages keep their order.
// Thread-safety: every member function may be called from any thread.
class Hub {
 public:
  // Delivers on the thread that publishes (for tests without I/O threads).
  Hub();
  // Delivers in `lanes` strands of `io` (at least one).
  Hub(boost::asio::io_context& io, std::size_t lanes);
  ~Hub();

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

  using Delivery = std::pair<std::shared_ptr<LiveSubscriber>, const std::shared_ptr<const std::string>*>;
  struct Frames;
  static void deliver_all(const ChannelKey& channel, std::int64_t seq, const std::vector<Delivery>& deliveries);

  struct Lanes;
  std::unique_ptr<Lanes> lanes_;
  mutable std::mutex mutex_;
  std::map<ChannelKey, Channel> channels_;
};

}  // namespace plenary::live
