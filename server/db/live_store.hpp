#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenary::db {

class Connection;

// One message of a live channel as kept for replay.
struct StoredLiveMessage {
  std::int64_t seq = 0;
  std::string type;
  bool delegates_only = false;
  std::string data;  // JSON text, texts as full language maps
  std::int64_t created_at = 0;
};

struct StoredAnnouncement {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string text;  // JSON language map
  std::string priority;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> expires_at;
  std::optional<std::int64_t> withdrawn_at;
};

// SQL for the live channels' history and for announcements. Stateless: every
// function runs on the Connection it is given, inside the caller's transaction
// (appending in the change's own transaction is what makes replay complete).
namespace live_store {

// How many of a channel's latest messages are kept for replay.
inline constexpr std::int64_t kEventHistory = 2000;
inline constexpr std::int64_t kPersonalHistory = 200;

// Appends a message and returns its number (1, 2, ... per event); trims history.
std::int64_t append_event_message(Connection& c, std::int64_t event_id, std::string_view type, bool delegates_only,
                                  std::string_view data, std::int64_t now);
std::int64_t append_personal_message(Connection& c, std::int64_t registration_id, std::string_view type,
                                     std::string_view data, std::int64_t now);

// The latest number and the oldest kept (0 when the channel never sent one).
struct SeqRange {
  std::int64_t oldest = 0;
  std::int64_t latest = 0;
};
SeqRange event_range(Connection& c, std::int64_t event_id);
SeqRange personal_range(Connection& c, std::int64_t registration_id);
std::vector<StoredLiveMessage> event_messages_after(Connection& c, std::int64_t event_id, std::int64_t after,
                                                    std::size_t limit);
std::vector<StoredLiveMessage> personal_messages_after(Connection& c, std::int64_t registration_id, std::int64_t after,
                                                       std::size_t limit);

std::int64_t insert_announcement(Connection& c, const StoredAnnouncement& announcement, std::optional<std::int64_t> by);
// Not withdrawn and not expired at `now`, newest first.
std::vector<StoredAnnouncement> current_announcements(Connection& c, std::int64_t event_id, std::int64_t now);
std::optional<StoredAnnouncement> find_announcement(Connection& c, std::int64_t event_id, std::int64_t id);
void withdraw_announcement(Connection& c, std::int64_t id, std::int64_t now);

}  // namespace live_store
}  // namespace plenary::db
