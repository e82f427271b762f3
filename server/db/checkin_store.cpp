#include "db/checkin_store.hpp"

#include "db/connection.hpp"

namespace plenary::db::checkin_store {
namespace {

constexpr std::string_view kCheckinColumns = "id, event_id, registration_id, session_id, scan_id, at, by_user";

CheckinRecord read_checkin(const Statement& row) {
  return {row.int64(0), row.int64(1), row.int64(2),         row.optional_int64(3),
          row.text(4),  row.int64(5), row.optional_int64(6)};
}

}  // namespace

void ensure_badge(Connection& c, std::int64_t registration_id, std::string_view code, std::int64_t now) {
  auto statement = c.prepare(
      "INSERT INTO badges (registration_id, code, issued_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (registration_id) DO NOTHING");
  statement->bind_all(registration_id, code, now);
  statement->run();
}

void replace_badge(Connection& c, std::int64_t registration_id, std::string_view code, std::int64_t now) {
  auto retire = c.prepare(
      "INSERT INTO retired_badges (code, registration_id, retired_at) "
      "SELECT code, registration_id, ?2 FROM badges WHERE registration_id = ?1 ON CONFLICT (code) DO NOTHING");
  retire->bind_all(registration_id, now);
  retire->run();
  auto statement = c.prepare(
      "INSERT INTO badges (registration_id, code, issued_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (registration_id) DO UPDATE SET code = ?2, issued_at = ?3, revoked_at = NULL");
  statement->bind_all(registration_id, code, now);
  statement->run();
}

void revoke_badge(Connection& c, std::int64_t registration_id, std::int64_t now) {
  auto statement = c.prepare("UPDATE badges SET revoked_at = ?2 WHERE registration_id = ?1 AND revoked_at IS NULL");
  statement->bind_all(registration_id, now);
  statement->run();
}

std::optional<BadgeRecord> badge_of(Connection& c, std::int64_t registration_id) {
  auto statement =
      c.prepare("SELECT registration_id, code, issued_at, revoked_at FROM badges WHERE registration_id = ?1");
  statement->bind(1, registration_id);
  if (!statement->step()) return std::nullopt;
  return BadgeRecord{statement->int64(0), statement->text(1), statement->int64(2), statement->optional_int64(3)};
}

std::optional<BadgeRecord> find_badge_by_code(Connection& c, std::string_view code) {
  auto live = c.prepare("SELECT registration_id, code, issued_at, revoked_at FROM badges WHERE code = ?1");
  live->bind(1, code);
  if (live->step()) return BadgeRecord{live->int64(0), live->text(1), live->int64(2), live->optional_int64(3)};
  auto retired = c.prepare("SELECT registration_id, code, retired_at FROM retired_badges WHERE code = ?1");
  retired->bind(1, code);
  if (!retired->step()) return std::nullopt;
  return BadgeRecord{retired->int64(0), retired->text(1), retired->int64(2), retired->int64(2), true};
}

std::optional<CheckinRecord> find_by_scan(Connection& c, std::int64_t event_id, std::string_view scan_id) {
  auto statement =
      c.prepare("SELECT " + std::string(kCheckinColumns) + " FROM checkins WHERE event_id = ?1 AND scan_id = ?2");
  statement->bind_all(event_id, scan_id);
  if (!statement->step()) return std::nullopt;
  return read_checkin(*statement);
}

std::optional<CheckinRecord> find_checkin(Connection& c, std::int64_t registration_id,
                                          std::optional<std::int64_t> session_id) {
  auto statement = c.prepare("SELECT " + std::string(kCheckinColumns) +
                             " FROM checkins WHERE registration_id = ?1 AND session_id IS ?2");
  statement->bind_all(registration_id, session_id);
  if (!statement->step()) return std::nullopt;
  return read_checkin(*statement);
}

std::int64_t insert_checkin(Connection& c, const CheckinRecord& checkin) {
  auto statement = c.prepare(
      "INSERT INTO checkins (event_id, registration_id, session_id, scan_id, at, by_user) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  statement->bind_all(checkin.event_id, checkin.registration_id, checkin.session_id, checkin.scan_id, checkin.at,
                      checkin.by_user);
  statement->run();
  return c.last_insert_rowid();
}

std::vector<std::pair<std::int64_t, std::int64_t>> meeting_checkins(Connection& c, std::int64_t event_id) {
  auto statement =
      c.prepare("SELECT registration_id, at FROM checkins WHERE event_id = ?1 AND session_id IS NULL ORDER BY 1");
  statement->bind(1, event_id);
  std::vector<std::pair<std::int64_t, std::int64_t>> rows;
  while (statement->step()) rows.emplace_back(statement->int64(0), statement->int64(1));
  return rows;
}

namespace {

// Approved delegates grouped by `column`, with how many of them checked in at
// the meeting.
std::vector<CheckinCount> counts_by(Connection& c, std::int64_t event_id, std::string_view column) {
  auto statement = c.prepare("SELECT r." + std::string(column) +
                             ", count(*), count(k.id) FROM registrations r "
                             "LEFT JOIN checkins k ON k.registration_id = r.id AND k.session_id IS NULL "
                             "WHERE r.event_id = ?1 AND r.status = 'approved' GROUP BY 1 ORDER BY 1");
  statement->bind(1, event_id);
  std::vector<CheckinCount> counts;
  while (statement->step()) counts.push_back({statement->text(0), statement->int64(1), statement->int64(2)});
  return counts;
}

}  // namespace

std::vector<CheckinCount> counts_by_category(Connection& c, std::int64_t event_id) {
  return counts_by(c, event_id, "category");
}

std::vector<CheckinCount> counts_by_delegation(Connection& c, std::int64_t event_id) {
  return counts_by(c, event_id, "delegation");
}

std::vector<SessionCheckinCount> counts_by_session(Connection& c, std::int64_t event_id) {
  auto statement = c.prepare(
      "SELECT s.id, "
      "(SELECT count(*) FROM rsvps v WHERE v.session_id = s.id AND v.status = 'confirmed'), "
      "(SELECT count(*) FROM checkins k WHERE k.session_id = s.id) "
      "FROM sessions s WHERE s.event_id = ?1 AND s.rsvp_required = 1 ORDER BY s.starts_at, s.id");
  statement->bind(1, event_id);
  std::vector<SessionCheckinCount> counts;
  while (statement->step()) counts.push_back({statement->int64(0), statement->int64(1), statement->int64(2)});
  return counts;
}

}  // namespace plenary::db::checkin_store
