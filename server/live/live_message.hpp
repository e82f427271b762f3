#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace plenary::live {

// A channel: one event's (everyone subscribed to it) or one delegate's own.
struct ChannelKey {
  enum class Kind { event, personal };
  Kind kind = Kind::event;
  std::int64_t id = 0;  // event id, or registration id
  auto operator<=>(const ChannelKey&) const = default;
};

// The languages a channel's texts come in, for reducing a message to one.
struct ChannelLanguages {
  std::vector<std::string> offered;  // the event's languages
  std::string fallback;              // its default
};

// One message of a channel, as stored and as sent. `data` keeps every text
// as a full language map; render() reduces it for a subscriber's language.
// It is shared (never changed once made): one change's notices to many
// delegates' channels carry the same data.
struct LiveMessage {
  ChannelKey channel;
  std::string channel_name;  // as clients name it: "event:somri-21" or "me"
  std::int64_t seq = 0;
  std::string type;             // e.g. "session.updated"
  bool delegates_only = false;  // only the event's delegates and hosts get it
  std::string at;               // RFC 3339 in the event's zone
  std::shared_ptr<const nlohmann::json> data;
};

// {"type","channel","seq","at","data"} as JSON text, every language map in
// `data` reduced to `language` (falling back to the default), or kept whole
// for "*". Pure; safe on any thread.
std::string render(const LiveMessage& message, const std::string& language, const ChannelLanguages& languages);

// `value` with each object whose keys are all offered languages (and whose
// values are all strings) replaced by the text in `language`.
nlohmann::json localize(const nlohmann::json& value, const std::string& language, const ChannelLanguages& languages);

}  // namespace plenary::live
