#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "live/hub.hpp"
#include "live/live_message.hpp"

namespace plenary::auth {
class AuthService;
}
namespace plenary::db {
class Database;
}

namespace plenary::live {

// A client's message, as parsed (see server/live/README.md for the protocol).
struct SubscribeCommand {
  std::string channel;  // "event:{slug}" or "me"
  std::optional<std::string> token;
  std::optional<std::int64_t> since;
  std::string language = "*";
};
struct UnsubscribeCommand {
  std::string channel;
};
struct PingCommand {};
using ClientCommand = std::variant<SubscribeCommand, UnsubscribeCommand, PingCommand>;

// A refusal the client is told about in an {"type":"error"} message.
class LiveError : public std::runtime_error {
 public:
  LiveError(std::string code, std::string detail) : std::runtime_error(detail), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

// Parses one text frame; throws LiveError("bad_message", …) for anything else.
ClientCommand parse_client_message(std::string_view text);
// {"type":"error","code","detail"} (and the channel, when there is one).
std::string error_message(const std::string& code, const std::string& detail, const std::string& channel = {});

// A resolved subscription: which channel, in which language, and whether
// the subscriber may receive delegates-only messages.
struct Subscription {
  ChannelKey key;
  std::string name;
  ChannelLanguages languages;
  Hub::Subscription options;
  std::string time_zone;  // the event's, for the times of replayed messages
};

struct Replay {
  std::vector<std::pair<std::int64_t, std::shared_ptr<const std::string>>> messages;  // after `since`, in order, each a whole WebSocket frame
  std::int64_t latest = 0;
  bool refetch = false;  // the gap is older than the history kept: refetch, then resume from `latest`
};

// The live-update protocol without a socket: who may subscribe to what, and
// what a resuming client missed. Every member blocks on the database: call
// from worker threads, never from an I/O thread. Thread-safe.
class LiveService {
 public:
  // The most messages one resume replays before the client is told to refetch.
  static constexpr std::int64_t kMaxReplay = 500;

  LiveService(db::Database& database, auth::AuthService& auth, Hub& hub)
      : database_(database), auth_(auth), hub_(hub) {}

  Subscription resolve(const SubscribeCommand& command) const;
  Replay replay(const Subscription& subscription, std::optional<std::int64_t> since) const;
  Hub& hub() const noexcept { return hub_; }

 private:
  db::Database& database_;
  auth::AuthService& auth_;
  Hub& hub_;
};

}  // namespace plenary::live
