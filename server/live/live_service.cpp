#include "live/live_service.hpp"

#include <nlohmann/json.hpp>

#include "auth/auth_service.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "db/live_store.hpp"
#include "domain/text.hpp"
#include "live/frame.hpp"
#include "live/publisher.hpp"

namespace plenary::live {
namespace {

constexpr std::size_t kMaxChannelChars = 120;
constexpr std::size_t kMaxTokenChars = 200;

LiveError bad_message(std::string detail) {
  return LiveError("bad_message", std::move(detail));
}

std::string string_member(const nlohmann::json& object, const char* name, std::size_t max_chars) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_string()) throw bad_message(std::string("\"") + name + "\" must be a string");
  std::string value = found->get<std::string>();
  if (value.empty() || value.size() > max_chars) {
    throw bad_message(std::string("\"") + name + "\" must be 1 to " + std::to_string(max_chars) + " characters");
  }
  return value;
}

}  // namespace

ClientCommand parse_client_message(std::string_view text) {
  const nlohmann::json message = nlohmann::json::parse(text, nullptr, false);
  if (message.is_discarded() || !message.is_object()) throw bad_message("a message is one JSON object");
  const std::string type = string_member(message, "type", 32);
  if (type == "ping") return PingCommand{};
  if (type == "unsubscribe") return UnsubscribeCommand{string_member(message, "channel", kMaxChannelChars)};
  if (type != "subscribe") throw bad_message("unknown message type \"" + type + "\"");
  SubscribeCommand command;
  command.channel = string_member(message, "channel", kMaxChannelChars);
  if (message.contains("token")) command.token = string_member(message, "token", kMaxTokenChars);
  if (message.contains("since")) {
    const auto& since = message["since"];
    if (!since.is_number_integer() || since.get<std::int64_t>() < 0) {
      throw bad_message("\"since\" must be the last seq seen, a whole number from 0");
    }
    command.since = since.get<std::int64_t>();
  }
  if (message.contains("lang")) {
    command.language = string_member(message, "lang", 35);
    if (command.language != "*" && !domain::is_language_tag(command.language)) {
      throw bad_message("\"lang\" must be a language tag such as vi, or *");
    }
  }
  return command;
}

std::string error_message(const std::string& code, const std::string& detail, const std::string& channel) {
  nlohmann::json out = {{"type", "error"}, {"code", code}, {"detail", detail}};
  if (!channel.empty()) out["channel"] = channel;
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Subscription LiveService::resolve(const SubscribeCommand& command) const {
  std::optional<auth::Principal> principal;
  if (command.token) {
    principal = auth_.authenticate(*command.token);
    if (!principal) throw LiveError("unauthorized", "The token is not valid (expired or revoked?).");
  }
  Subscription subscription;
  subscription.options.language = command.language;
  if (command.channel == kPersonalChannelName) {
    if (!principal || !principal->is_delegate()) {
      throw LiveError("unauthorized", "The personal channel needs the delegate's own token.");
    }
    const auto event =
        database_.read([&](db::Connection& c) { return db::agenda_store::find_event_by_id(c, principal->event_id); });
    if (!event) throw LiveError("not_found", "Your event no longer exists.");
    subscription.key = {ChannelKey::Kind::personal, principal->registration_id};
    subscription.name = kPersonalChannelName;
    subscription.languages = channel_languages(*event);
    subscription.options.delegates = true;
    subscription.time_zone = event->time_zone;
    return subscription;
  }
  if (!command.channel.starts_with("event:")) {
    throw LiveError("bad_message", "A channel is \"event:{slug}\" or \"me\".");
  }
  const std::string slug = command.channel.substr(6);
  const auto event = database_.read([&](db::Connection& c) { return db::agenda_store::find_event(c, slug); });
  const bool entitled =
      event && principal && (principal->is_host() || (principal->is_delegate() && principal->event_id == event->id));
  // A delegates-only event is not revealed to outsiders, as over HTTP.
  if (!event || (event->visibility == domain::Visibility::delegates && !entitled)) {
    throw LiveError("not_found", "There is no event " + slug + ".");
  }
  subscription.key = {ChannelKey::Kind::event, event->id};
  subscription.name = event_channel_name(*event);
  subscription.languages = channel_languages(*event);
  subscription.options.delegates = entitled;
  subscription.time_zone = event->time_zone;
  return subscription;
}

Replay LiveService::replay(const Subscription& subscription, std::optional<std::int64_t> since) const {
  const bool personal = subscription.key.kind == ChannelKey::Kind::personal;
  struct Read {
    db::live_store::SeqRange range;
    std::vector<db::StoredLiveMessage> rows;
  };
  const Read read = database_.read([&](db::Connection& c) {
    Read r;
    r.range = personal ? db::live_store::personal_range(c, subscription.key.id)
                       : db::live_store::event_range(c, subscription.key.id);
    if (since && *since < r.range.latest && *since + 1 >= r.range.oldest && r.range.latest - *since <= kMaxReplay) {
      r.rows = personal ? db::live_store::personal_messages_after(c, subscription.key.id, *since, kMaxReplay)
                        : db::live_store::event_messages_after(c, subscription.key.id, *since, kMaxReplay);
    }
    return r;
  });
  Replay replay;
  replay.latest = read.range.latest;
  if (!since || *since >= read.range.latest) return replay;
  if (*since + 1 < read.range.oldest || read.range.latest - *since > kMaxReplay) {
    replay.refetch = true;
    return replay;
  }
  const auto zone = domain::TimeZone::find(subscription.time_zone).value_or(*domain::TimeZone::find("UTC"));
  for (const auto& row : read.rows) {
    if (row.delegates_only && !subscription.options.delegates) continue;
    const LiveMessage message = from_stored(row, subscription.key, subscription.name, zone);
    replay.messages.emplace_back(row.seq, std::make_shared<const std::string>(text_frame(
                                              render(message, subscription.options.language, subscription.languages))));
  }
  return replay;
}

}  // namespace plenary::live
