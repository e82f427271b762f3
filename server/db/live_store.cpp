#include "db/live_store.hpp"

#include "db/connection.hpp"

namespace plenary::db::live_store {
namespace {

std::vector<StoredLiveMessage> read_messages(Statement& statement, bool has_audience) {
  std::vector<StoredLiveMessage> rows;
  while (statement.step()) {
    StoredLiveMessage row;
    row.seq = statement.int64(0);
    row.type = statement.text(1);
    row.data = statement.text(2);
    row.created_at = statement.int64(3);
    row.delegates_only = has_audience && statement.text(4) == "delegates";
    rows.push_back(std::move(row));
  }
  return rows;
}

StoredAnnouncement read_announcement(const Statement& row) {
  return {row.int64(0), row.int64(1),          row.text(2),          row.text(3),
          row.int64(4), row.optional_int64(5), row.optional_int64(6)};
}

constexpr std::string_view kAnnouncementColumns = "id, event_id, text, priority, created_at, expires_at, withdrawn_at";

}  // namespace

std::int64_t append_event_message(Connection& c, std::int64_t event_id, std::string_view type, bool delegates_only,
                                  std::string_view data, std::int64_t now) {
  auto insert = c.prepare(
      "INSERT INTO live_messages (event_id, seq, type, audience, data, created_at) "
      "VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM live_messages WHERE event_id = ?1), ?2, ?3, ?4, ?5) "
      "RETURNING seq");
  insert->bind_all(event_id, type, delegates_only ? "delegates" : "public", data, now);
  insert->step();
  const std::int64_t seq = insert->int64(0);
  insert->reset();
  if (seq % 100 == 0) {
    auto trim = c.prepare("DELETE FROM live_messages WHERE event_id = ?1 AND seq <= ?2");
    trim->bind_all(event_id, seq - kEventHistory);
    trim->run();
  }
  return seq;
}

std::int64_t append_personal_message(Connection& c, std::int64_t registration_id, std::string_view type,
                                     std::string_view data, std::int64_t now) {
  auto insert = c.prepare(
      "INSERT INTO personal_messages (registration_id, seq, type, data, created_at) "
      "VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM personal_messages WHERE registration_id = ?1), ?2, ?3, "
      "?4) RETURNING seq");
  insert->bind_all(registration_id, type, data, now);
  insert->step();
  const std::int64_t seq = insert->int64(0);
  insert->reset();
  if (seq % 50 == 0) {
    auto trim = c.prepare("DELETE FROM personal_messages WHERE registration_id = ?1 AND seq <= ?2");
    trim->bind_all(registration_id, seq - kPersonalHistory);
    trim->run();
  }
  return seq;
}

SeqRange event_range(Connection& c, std::int64_t event_id) {
  auto statement =
      c.prepare("SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM live_messages WHERE event_id = ?1");
  statement->bind(1, event_id);
  statement->step();
  return {statement->int64(0), statement->int64(1)};
}

SeqRange personal_range(Connection& c, std::int64_t registration_id) {
  auto statement = c.prepare(
      "SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM personal_messages WHERE registration_id = ?1");
  statement->bind(1, registration_id);
  statement->step();
  return {statement->int64(0), statement->int64(1)};
}

std::vector<StoredLiveMessage> event_messages_after(Connection& c, std::int64_t event_id, std::int64_t after,
                                                    std::size_t limit) {
  auto statement = c.prepare(
      "SELECT seq, type, data, created_at, audience FROM live_messages WHERE event_id = ?1 AND seq > ?2 "
      "ORDER BY seq LIMIT ?3");
  statement->bind_all(event_id, after, static_cast<std::int64_t>(limit));
  return read_messages(*statement, true);
}

std::vector<StoredLiveMessage> personal_messages_after(Connection& c, std::int64_t registration_id, std::int64_t after,
                                                       std::size_t limit) {
  auto statement = c.prepare(
      "SELECT seq, type, data, created_at FROM personal_messages WHERE registration_id = ?1 AND seq > ?2 "
      "ORDER BY seq LIMIT ?3");
  statement->bind_all(registration_id, after, static_cast<std::int64_t>(limit));
  return read_messages(*statement, false);
}

std::int64_t insert_announcement(Connection& c, const StoredAnnouncement& a, std::optional<std::int64_t> by) {
  auto statement = c.prepare(
      "INSERT INTO announcements (event_id, text, priority, created_at, created_by, expires_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  statement->bind_all(a.event_id, a.text, a.priority, a.created_at, by, a.expires_at);
  statement->run();
  return c.last_insert_rowid();
}

std::vector<StoredAnnouncement> current_announcements(Connection& c, std::int64_t event_id, std::int64_t now) {
  auto statement = c.prepare("SELECT " + std::string(kAnnouncementColumns) +
                             " FROM announcements WHERE event_id = ?1 AND withdrawn_at IS NULL AND "
                             "(expires_at IS NULL OR expires_at > ?2) ORDER BY id DESC");
  statement->bind_all(event_id, now);
  std::vector<StoredAnnouncement> rows;
  while (statement->step()) rows.push_back(read_announcement(*statement));
  return rows;
}

std::optional<StoredAnnouncement> find_announcement(Connection& c, std::int64_t event_id, std::int64_t id) {
  auto statement =
      c.prepare("SELECT " + std::string(kAnnouncementColumns) + " FROM announcements WHERE event_id = ?1 AND id = ?2");
  statement->bind_all(event_id, id);
  if (!statement->step()) return std::nullopt;
  return read_announcement(*statement);
}

void withdraw_announcement(Connection& c, std::int64_t id, std::int64_t now) {
  auto statement = c.prepare("UPDATE announcements SET withdrawn_at = ?2 WHERE id = ?1 AND withdrawn_at IS NULL");
  statement->bind_all(id, now);
  statement->run();
}

}  // namespace plenary::db::live_store
