#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/container/small_vector.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "live/hub.hpp"
#include "live/live_service.hpp"
#include "net/live_socket.hpp"

namespace plenary::net {

struct ServerState;

// One WebSocket connection to GET /api/v1/live (see server/live/README.md).
// Owns the WebSocket (over a LiveSocket, which holds the frames not yet
// sent) and its read buffer. Runs on its lane's strand (live/lanes.hpp),
// which it shares with the other connections of that lane: every member is
// touched only there, and the hub calls deliver() there too.
// Subscriptions are resolved and replays read on the worker pool. A client
// that lets more messages pile up than the limit is closed with code 4008
// (limits.live_max_queued) and catches up when it resubscribes with the last
// seq it saw. A peer silent for half its time-out is pinged, and one silent
// for all of it is dropped, by the hub's keep-alive sweep on the lane.
class LiveSession : public live::LiveSubscriber, public std::enable_shared_from_this<LiveSession> {
 public:
  static constexpr std::size_t kMaxSubscriptions = 16;
  static constexpr std::size_t kMaxMessageBytes = 4096;
  static constexpr std::uint16_t kCloseTooSlow = 4008;

  LiveSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state, std::string remote);
  ~LiveSession() override;

  // Completes the upgrade that `request` asked for, with the bytes already read after it.
  void start(boost::beast::http::request<boost::beast::http::string_body> request, boost::beast::flat_buffer buffer);
  void close_now();

  void deliver(const live::ChannelKey& channel, std::int64_t seq, const std::shared_ptr<const std::string>& frame,
               SendBatch& sends) override;
  // Pings after half the connection's time-out of silence from the peer,
  // drops it after the whole (the hub's sweep, on the lane).
  Alive keep_alive(std::chrono::steady_clock::time_point now, SendBatch& sends) override;

 private:
  struct Channel {
    live::ChannelKey key;
    std::string name;
    std::int64_t last_seq = 0;
  };

  // The peer was heard from (a message, a pong, any frame).
  void heard();
  void do_read();
  void on_read(boost::beast::error_code error, std::size_t bytes);
  void handle(const std::string& text);
  void subscribe(live::SubscribeCommand command);
  void on_subscribed(const live::Subscription& subscription, const live::Replay& replay);
  // `sends`: the lane's batch, when the hub delivers.
  void on_deliver(const live::ChannelKey& channel, std::int64_t seq, std::shared_ptr<const std::string> frame,
                  SendBatch* sends = nullptr);
  void send(std::shared_ptr<const std::string> frame, SendBatch* sends = nullptr);
  void send_text(std::string_view text);
  void close_with(std::uint16_t code, std::string reason);
  // The channel followed, or null.
  Channel* find_channel(const live::ChannelKey& key);
  // Unsubscribes from every channel and forgets what was held for them.
  void leave_channels();
  void finish();

  // What a delivery reads comes first, in the object's first cache lines
  // (ten thousand connections' state does not stay in the cache between changes).
  std::size_t lane_;  // the hub's lane this connection lives on: its socket's executor
  boost::beast::websocket::stream<LiveSocket> ws_;
  std::shared_ptr<ServerState> state_;
  bool closing_ = false;
  bool finished_ = false;
  std::size_t pending_subscriptions_ = 0;
  // The channels followed, in the connection itself: a delivery finds its
  // channel without another allocation to visit (most follow one or two).
  boost::container::small_vector<Channel, 1> channels_;
  boost::beast::flat_buffer buffer_;
  std::string remote_;
  // Frames for channels whose subscription has not come back yet.
  std::map<live::ChannelKey, std::vector<std::pair<std::int64_t, std::shared_ptr<const std::string>>>> early_;
  // Keep-alive, on the lane: this connection's time-out (drawn from 75-100 %
  // of the limit), when the peer was last heard, whether it has been pinged since.
  std::chrono::steady_clock::duration idle_timeout_{};
  std::chrono::steady_clock::time_point last_heard_{};
  bool pinged_ = false;
  boost::beast::websocket::close_reason close_reason_;
};

}  // namespace plenary::net
