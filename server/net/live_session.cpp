#include "net/live_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <chrono>
#include <random>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include "live/frame.hpp"
#include "live/lanes.hpp"
#include "net/server_state.hpp"
#include "ops/log.hpp"

namespace plenary::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

namespace {

// `socket`, moved onto `executor`: the connection leaves the strand the
// listener gave it for its lane's. A socket that cannot be moved (its peer
// already gone) is closed: the handshake on the unopened one fails at once.
asio::ip::tcp::socket moved_to(asio::ip::tcp::socket&& socket, const live::Lanes::Strand& executor) {
  beast::error_code error;
  const auto protocol = socket.local_endpoint(error).protocol();
  if (!error) {
    const auto handle = socket.release(error);
    if (!error) return asio::ip::tcp::socket(executor, protocol, handle);
  }
  socket.close(error);
  return asio::ip::tcp::socket(executor);
}

// A connection's own time-out, 75-100 % of the limit (see start()).
std::chrono::steady_clock::duration jittered(std::chrono::steady_clock::duration limit) {
  thread_local std::minstd_rand random{std::random_device{}()};
  std::uniform_real_distribution<double> share(0.75, 1.0);
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(limit * share(random));
}

}  // namespace

LiveSession::LiveSession(asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state, std::string remote)
    : lane_(state->live->hub().lanes().next()),
      ws_(moved_to(std::move(socket), state->live->hub().lanes().strand(lane_))),
      state_(std::move(state)),
      remote_(std::move(remote)) {
  ++state_->count;
}

LiveSession::~LiveSession() {
  --state_->count;
  state_->remove_live(this, remote_);
}

void LiveSession::start(beast::http::request<beast::http::string_body> request, beast::flat_buffer buffer) {
  // A client may send frames only after our 101 (RFC 6455 4.1), so nothing
  // read past the upgrade request can be a frame: it is dropped, never
  // mistaken for the start of the first message.
  buffer.consume(buffer.size());
  buffer_ = std::move(buffer);
  ws_.next_layer().bind_owner(weak_from_this(), [this](beast::error_code) { finish(); });
  // Pings when idle and a time-out for a peer that stops answering them:
  // a phone that went into a lift is reaped, not kept forever. The hub's
  // sweep on the lane does both (keep_alive()); Beast keeps only its
  // handshake time-outs. Each connection's time-out is drawn from 75-100 %
  // of the limit: phones that subscribed in the same second (everyone, after
  // a venue's Wi-Fi came back) are then pinged spread over several sweeps.
  websocket::stream_base::timeout timeout = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeout.idle_timeout = websocket::stream_base::none();
  timeout.keep_alive_pings = false;
  ws_.set_option(timeout);
  idle_timeout_ = jittered(state_->limits.live_idle_timeout);
  // Any frame from the peer, pongs included, is a sign of life (on the lane, during a read).
  ws_.control_callback([this](websocket::frame_type, beast::string_view) { heard(); });
  ws_.read_message_max(kMaxMessageBytes);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(beast::http::field::server, "plenary"); }));
  ws_.async_accept(request, [self = shared_from_this()](beast::error_code error) {
    if (error) return self->finish();
    self->heard();
    self->state_->live->hub().attach(self->lane_, self);
    self->do_read();
  });
}

void LiveSession::heard() {
  last_heard_ = std::chrono::steady_clock::now();
  pinged_ = false;
}

live::LiveSubscriber::Alive LiveSession::keep_alive(std::chrono::steady_clock::time_point now, SendBatch& sends) {
  // Attached once the handshake is done: only open connections get here.
  if (finished_) return Alive::gone;
  const auto silent = now - last_heard_;
  if (silent >= idle_timeout_) {
    // The peer answered no ping: gone without a word (a close frame would wait for it too).
    finish();
    return Alive::gone;
  }
  // No ping after our close frame: the close handshake has its own time-out.
  if (pinged_ || closing_ || silent < idle_timeout_ / 2) return Alive::yes;
  // An empty ping, sent between whole messages like any other frame.
  static const auto ping = std::make_shared<const std::string>(live::ping_frame());
  pinged_ = true;
  ws_.next_layer().send_frame(ping, &sends);
  return Alive::pinged;
}

void LiveSession::close_now() {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    self->close_with(websocket::close_code::going_away, "server shutting down");
  });
}

void LiveSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&LiveSession::on_read, shared_from_this()));
}

void LiveSession::on_read(beast::error_code error, std::size_t) {
  if (!error) heard();
  if (error) {
    if (error == websocket::error::message_too_big) {
      return close_with(websocket::close_code::too_big,
                        "a message is at most " + std::to_string(kMaxMessageBytes) + " bytes");
    }
    return finish();
  }
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    send_text(live::error_message("bad_message", "messages are JSON text frames"));
    return do_read();
  }
  const std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  handle(text);
  if (!closing_) do_read();
}

void LiveSession::handle(const std::string& text) {
  try {
    const live::ClientCommand command = live::parse_client_message(text);
    if (std::holds_alternative<live::PingCommand>(command)) return send_text(R"({"type":"pong"})");
    if (const auto* unsubscribe = std::get_if<live::UnsubscribeCommand>(&command)) {
      for (auto it = channels_.begin(); it != channels_.end(); ++it) {
        if (it->name != unsubscribe->channel) continue;
        state_->live->hub().unsubscribe(it->key, this, lane_);
        channels_.erase(it);
        break;
      }
      return send_text(nlohmann::json{{"type", "unsubscribed"}, {"channel", unsubscribe->channel}}.dump());
    }
    subscribe(std::get<live::SubscribeCommand>(command));
  } catch (const live::LiveError& error) {
    send_text(live::error_message(error.code(), error.what()));
  }
}

void LiveSession::subscribe(live::SubscribeCommand command) {
  if (channels_.size() + pending_subscriptions_ >= kMaxSubscriptions) {
    throw live::LiveError("too_many_subscriptions",
                          "A connection may follow at most " + std::to_string(kMaxSubscriptions) + " channels.");
  }
  ++pending_subscriptions_;
  asio::post(state_->workers, [self = shared_from_this(), command = std::move(command)] {
    try {
      const live::LiveService& service = *self->state_->live;
      live::Subscription subscription = service.resolve(command);
      // Subscribed before the history is read: a message committed in between
      // is both held live and replayed, and the seq check drops the second.
      service.hub().subscribe(subscription.key, self, self->lane_, subscription.options, subscription.languages);
      live::Replay replay = service.replay(subscription, command.since);
      asio::post(self->ws_.get_executor(), [self, subscription = std::move(subscription), replay = std::move(replay)] {
        self->on_subscribed(subscription, replay);
      });
    } catch (const live::LiveError& error) {
      asio::post(self->ws_.get_executor(),
                 [self, text = live::error_message(error.code(), error.what(), command.channel)] {
                   --self->pending_subscriptions_;
                   self->send_text(text);
                 });
    } catch (const std::exception& error) {
      ops::logger().error("live subscription failed", {{"error", error.what()}});
      asio::post(self->ws_.get_executor(), [self, channel = command.channel] {
        --self->pending_subscriptions_;
        self->send_text(live::error_message("internal", "The subscription failed; try again.", channel));
      });
    }
  });
}

void LiveSession::on_subscribed(const live::Subscription& subscription, const live::Replay& replay) {
  --pending_subscriptions_;
  if (closing_) {
    state_->live->hub().unsubscribe(subscription.key, this, lane_);
    return;
  }
  // Listed before the replay goes out: should the client be closed for
  // falling behind meanwhile, leaving its channels includes this one.
  if (find_channel(subscription.key) == nullptr) channels_.push_back(Channel{subscription.key, subscription.name, 0});
  send_text(nlohmann::json{
      {"type", replay.refetch ? "refetch" : "subscribed"}, {"channel", subscription.name}, {"seq", replay.latest}}
                .dump());
  std::int64_t last = replay.latest;
  for (const auto& [seq, frame] : replay.messages) {
    send(frame);
    last = std::max(last, seq);
  }
  Channel* channel = find_channel(subscription.key);
  if (channel == nullptr) return;  // closed while replaying (too slow): it left every channel
  channel->last_seq = last;
  // What arrived live while the replay was read, minus what it already had.
  auto early = early_.extract(subscription.key);
  if (!early.empty()) {
    for (auto& [seq, text] : early.mapped()) on_deliver(subscription.key, seq, std::move(text));
  }
  if (pending_subscriptions_ == 0) early_.clear();
}

void LiveSession::deliver(const live::ChannelKey& channel, std::int64_t seq,
                          const std::shared_ptr<const std::string>& frame, SendBatch& sends) {
  // The hub calls on this connection's lane: its own strand.
  on_deliver(channel, seq, frame, &sends);
}

void LiveSession::on_deliver(const live::ChannelKey& key, std::int64_t seq, std::shared_ptr<const std::string> frame,
                             SendBatch* sends) {
  if (closing_) return;
  Channel* channel = find_channel(key);
  if (channel == nullptr) {
    if (pending_subscriptions_ > 0) early_[key].emplace_back(seq, std::move(frame));
    return;
  }
  if (seq <= channel->last_seq) return;  // replayed already
  channel->last_seq = seq;
  send(std::move(frame), sends);
}

LiveSession::Channel* LiveSession::find_channel(const live::ChannelKey& key) {
  for (Channel& channel : channels_) {
    if (channel.key == key) return &channel;
  }
  return nullptr;
}

void LiveSession::send_text(std::string_view text) {
  send(std::make_shared<const std::string>(live::text_frame(text)));
}

void LiveSession::send(std::shared_ptr<const std::string> frame, SendBatch* sends) {
  if (closing_) return;
  if (ws_.next_layer().queued() >= state_->limits.live_max_queued) {
    return close_with(kCloseTooSlow, "too slow: resubscribe with the last seq you saw");
  }
  ws_.next_layer().send_frame(std::move(frame), sends);
}

void LiveSession::close_with(std::uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  // What is queued is dropped, except a frame partly sent: the close frame
  // follows it (a client that never reads again is reaped by the time-out).
  ws_.next_layer().drop_unsent();
  leave_channels();
  close_reason_.code = code;
  close_reason_.reason = std::move(reason);
  ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void LiveSession::leave_channels() {
  for (const Channel& channel : channels_) state_->live->hub().unsubscribe(channel.key, this, lane_);
  channels_.clear();
  early_.clear();
}

void LiveSession::finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  leave_channels();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).close(ignored);
}

}  // namespace plenary::net
