#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "live/live_message.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace plenary::net {
class SendBatch;
}

namespace plenary::live {

class Lanes;

// What a live connection offers the hub. deliver() is called on the lane
// the subscriber said it lives on (so on its own strand), in seq order,
// with a whole WebSocket frame shared by the lane's recipients; it never
// blocks. Its send may go into `sends`, the lane's batch for this turn,
// which the hub flushes at the end of the turn with the subscriber alive.
//
// keep_alive() is called on the lane about every Hub::Options::sweep for each
// connection attach()ed to it, subscribed or not: it pings the peer into
// `sends` (flushed at the end of the sweep, with the connection alive) when
// it has been silent long enough, or ends the connection when it has been
// silent too long. It answers whether the connection is still to be swept.
class LiveSubscriber {
 public:
  enum class Alive { yes, pinged, gone };

  virtual ~LiveSubscriber() = default;
  virtual void deliver(const ChannelKey& channel, std::int64_t seq, const std::shared_ptr<const std::string>& frame,
                       net::SendBatch& sends) = 0;
  virtual Alive keep_alive(std::chrono::steady_clock::time_point now, net::SendBatch& sends) = 0;
};

// The subscriptions of every live connection, by lane and channel, and each
// lane's send batch and keep-alive timer. Owns no connection: it holds weak
// references and forgets the dead ones as it meets them. publish() hands a message to every lane (see Lanes); on its
// own strand, each lane copies its subscribers of the channel under its own
// lock, serialises the message once per language asked for, frames it once,
// and writes the same buffer to each subscriber of that language, with no
// lock held, in turns of kDeliveriesPerTurn, each turn's sends in one
// system call where io_uring allows (net::SendBatch). The lanes do all this
// at the same time, one per I/O thread; each lane keeps its messages in
// publishing order, so every subscriber gets them in seq order.
//
// Keep-alive: every `sweep`, each lane asks each of its connections whether
// it needs a ping or is to be dropped (LiveSubscriber::keep_alive), and sends
// the pings due in one batch, as a fan-out turn: ten thousand phones pinged
// every 15 s cost a few system calls a second, and their pongs come back
// together, rather than a timer, a send and a thread wake-up per phone. A
// sweep that falls due while the lane is delivering a change waits for the
// fan-out to finish (pings and their pongs never slow a change down), but
// for one more sweep period at most: a lane that is never idle still pings.
// Thread-safety: every member function may be called from any thread.
class Hub {
 public:
  struct Options {
    bool io_uring = true;  // batch each turn's sends through io_uring where the kernel allows it
    std::chrono::milliseconds sweep{1000};  // how often a lane checks its connections' keep-alive
  };

  // One lane per I/O thread of `io`.
  Hub(boost::asio::io_context& io, std::size_t io_threads, Options options);
  ~Hub();

  Lanes& lanes() { return *lanes_; }
  // How the lanes send: "io_uring", or "send(2)" and why.
  std::string send_method() const;

  struct Subscription {
    std::string language = "*";
    bool delegates = false;  // may receive delegates-only messages
  };

  // A new connection on `lane`, kept alive by that lane's sweeps until it says it is gone.
  void attach(std::size_t lane, std::weak_ptr<LiveSubscriber> connection);
  // `lane`: the lane the subscriber lives on (the same for unsubscribe).
  void subscribe(const ChannelKey& channel, const std::shared_ptr<LiveSubscriber>& subscriber, std::size_t lane,
                 Subscription options, ChannelLanguages languages);
  void unsubscribe(const ChannelKey& channel, const LiveSubscriber* subscriber, std::size_t lane);
  // Call in the order the messages are to arrive (one thread at a time).
  // All of one call (one change's notices to many channels) reach each lane together.
  void publish(std::vector<std::shared_ptr<const LiveMessage>> messages);
  std::size_t subscriptions() const;

 private:
  struct Entry {
    const LiveSubscriber* key = nullptr;  // null: a place left by one that is gone
    std::weak_ptr<LiveSubscriber> subscriber;
    Subscription options;
  };
  struct Channel {
    ChannelLanguages languages;
    // In the order they subscribed, which is the order a message goes out
    // in (the first to subscribe hears first, every time), and an array the
    // fan-out walks rather than a hash table's nodes. Places left are reused
    // by nobody and squeezed out once they are half the array.
    std::vector<Entry> entries;
    // Where each subscriber is in `entries`: arriving or leaving is O(1), not a scan.
    std::unordered_map<const LiveSubscriber*, std::size_t> positions;
    std::size_t left = 0;  // places left in `entries`

    void remove(std::size_t position);
    // Squeezes the places left out, keeping the order, once they are half.
    void compact_if_sparse();
  };
  // One lane's subscriptions.
  struct Shard {
    mutable std::mutex mutex;
    std::map<ChannelKey, Channel> channels;
  };

  using Delivery = std::pair<std::shared_ptr<LiveSubscriber>, const std::shared_ptr<const std::string>*>;
  struct Frames;
  struct Sweeper;
  // One message for one lane's subscribers, delivered in turns.
  struct Batch {
    ChannelKey channel;
    std::int64_t seq = 0;
    std::shared_ptr<Frames> frames;
    std::vector<Delivery> deliveries;
    std::size_t next = 0;
  };
  // A lane's messages in publishing order, and its sends; touched only on its strand.
  struct LaneQueue {
    std::deque<Batch> batches;
    bool draining = false;
    std::unique_ptr<net::SendBatch> sends;
    // The turn's recipients, alive until its sends are flushed.
    std::vector<std::shared_ptr<LiveSubscriber>> turn;
    // Every connection on the lane, for the keep-alive sweeps.
    std::vector<std::weak_ptr<LiveSubscriber>> connections;
    std::unique_ptr<Sweeper> sweeper;
    // A sweep fell due during a fan-out and waits for its end.
    bool sweep_waiting = false;

    // Sends the batch, then lets go of the connections kept alive for it
    // (their frames stay alive in their sockets' queues).
    void flush();
  };
  // Deliveries in one turn on a lane (a few ms) before the lane's other work
  // gets in: a fan-out to thousands does not hold up the I/O threads.
  static constexpr std::size_t kDeliveriesPerTurn = 256;

  // The lane's subscribers of the message's channel, and their frames. On the lane.
  std::optional<Batch> prepare(std::size_t lane, const LiveMessage& message);
  // Delivers the lane's queued messages, a turn at a time. On the lane.
  void drain(std::size_t lane);
  // The lane's sweep timer: sweeps now, or once the fan-out under way is through. On the lane.
  void sweep_due(std::size_t lane);
  // Pings or drops the lane's connections that have been silent; then waits for the next sweep. On the lane.
  void sweep(std::size_t lane);
  void schedule_sweep(std::size_t lane);

  Options options_;
  std::unique_ptr<Lanes> lanes_;
  std::vector<std::unique_ptr<Shard>> shards_;  // by lane
  std::vector<LaneQueue> queues_;               // by lane
};

}  // namespace plenary::live
