#include "live/publisher.hpp"

#include "db/database.hpp"
#include "live/hub.hpp"

namespace plenary::live {

ChannelLanguages channel_languages(const domain::Event& event) {
  return {event.languages, event.default_language};
}

std::string event_channel_name(const domain::Event& event) {
  return "event:" + event.slug;
}

LiveMessage from_stored(const db::StoredLiveMessage& stored, const ChannelKey& channel, const std::string& name,
                        const domain::TimeZone& zone) {
  return {channel,
          name,
          stored.seq,
          stored.type,
          stored.delegates_only,
          zone.format(stored.created_at),
          std::make_shared<const nlohmann::json>(nlohmann::json::parse(stored.data, nullptr, false))};
}

void Publisher::publish_after_commit(std::vector<std::shared_ptr<const LiveMessage>> messages) {
  // After the COMMIT, on the writer thread, in commit order.
  database_.after_commit(
      [&hub = hub_, messages = std::move(messages)]() mutable { hub.publish(std::move(messages)); });
}

void Publisher::to_event(db::Connection& connection, const domain::Event& event, const std::string& type,
                         bool delegates_only, nlohmann::json data, std::int64_t now) {
  const std::string text = data.dump();
  const std::int64_t seq = db::live_store::append_event_message(connection, event.id, type, delegates_only, text, now);
  auto message = std::make_shared<const LiveMessage>(
      LiveMessage{{ChannelKey::Kind::event, event.id},
                  event_channel_name(event),
                  seq,
                  type,
                  delegates_only,
                  domain::event_zone(event).format(now),
                  std::make_shared<const nlohmann::json>(std::move(data))});
  publish_after_commit({std::move(message)});
}

void Publisher::to_delegate(db::Connection& connection, const domain::Event& event, std::int64_t registration_id,
                            const std::string& type, nlohmann::json data, std::int64_t now) {
  to_delegates(connection, event, {registration_id}, type, std::move(data), now);
}

void Publisher::to_delegates(db::Connection& connection, const domain::Event& event,
                             const std::vector<std::int64_t>& registration_ids, const std::string& type,
                             nlohmann::json data, std::int64_t now) {
  if (registration_ids.empty()) return;
  const std::string text = data.dump();
  const std::string at = domain::event_zone(event).format(now);
  const auto shared = std::make_shared<const nlohmann::json>(std::move(data));
  std::vector<std::shared_ptr<const LiveMessage>> messages;
  messages.reserve(registration_ids.size());
  for (const std::int64_t registration_id : registration_ids) {
    const std::int64_t seq = db::live_store::append_personal_message(connection, registration_id, type, text, now);
    messages.push_back(std::make_shared<const LiveMessage>(LiveMessage{
        {ChannelKey::Kind::personal, registration_id}, kPersonalChannelName, seq, type, false, at, shared}));
  }
  publish_after_commit(std::move(messages));
}

}  // namespace plenary::live
