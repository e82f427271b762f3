#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/live_store.hpp"
#include "domain/agenda.hpp"
#include "live/live_message.hpp"

namespace plenary::db {
class Connection;
class Database;
}  // namespace plenary::db

namespace plenary::live {

class Hub;

// The outbox of the live channels. Called inside a write job: the message is
// stored (and numbered) in the same transaction as the change it tells of,
// and handed to the hub only once that transaction has committed, in commit
// order. A change that rolls back sends nothing; a committed one is never
// missed, because a client that was away replays it from the table. The
// database writer hands it over (Hub::publish only queues it on the hub's
// lanes) and goes on committing.
class Publisher {
 public:
  Publisher(db::Database& database, Hub& hub) : database_(database), hub_(hub) {}

  void to_event(db::Connection& connection, const domain::Event& event, const std::string& type, bool delegates_only,
                nlohmann::json data, std::int64_t now);
  void to_delegate(db::Connection& connection, const domain::Event& event, std::int64_t registration_id,
                   const std::string& type, nlohmann::json data, std::int64_t now);
  // The same message to each delegate's own channel (the followers of a
  // session that moved): serialised once, stored once per delegate, and
  // handed to the hub's lanes together.
  void to_delegates(db::Connection& connection, const domain::Event& event,
                    const std::vector<std::int64_t>& registration_ids, const std::string& type, nlohmann::json data,
                    std::int64_t now);

 private:
  void publish_after_commit(std::vector<std::shared_ptr<const LiveMessage>> messages);

  db::Database& database_;
  Hub& hub_;
};

ChannelLanguages channel_languages(const domain::Event& event);
std::string event_channel_name(const domain::Event& event);
inline constexpr const char* kPersonalChannelName = "me";
// A stored message as the hub sends it.
LiveMessage from_stored(const db::StoredLiveMessage& stored, const ChannelKey& channel, const std::string& name,
                        const domain::TimeZone& zone);

}  // namespace plenary::live
