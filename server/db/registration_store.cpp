#include "db/registration_store.hpp"

#include "db/connection.hpp"

namespace plenary::db::registration_store {
namespace {

constexpr std::string_view kRegistrationColumns =
    "id, event_id, name, position, organisation, delegation, category, email, phone, preferred_language, "
    "attendance, notes, status, created_at, updated_at";

domain::Registration read_registration(const Statement& row) {
  domain::Registration r;
  r.id = row.int64(0);
  r.event_id = row.int64(1);
  r.name = row.text(2);
  r.position = row.optional_text(3);
  r.organisation = row.optional_text(4);
  r.delegation = row.text(5);
  r.category =
      domain::parse_name<domain::Category>(row.text(6), domain::kCategoryNames).value_or(domain::Category::delegate);
  r.email = row.optional_text(7);
  r.phone = row.optional_text(8);
  r.preferred_language = row.optional_text(9);
  r.attendance = domain::parse_name<domain::Attendance>(row.text(10), domain::kAttendanceNames)
                     .value_or(domain::Attendance::in_person);
  r.notes = row.optional_text(11);
  r.status = domain::parse_name<domain::RegistrationStatus>(row.text(12), domain::kRegistrationStatusNames)
                 .value_or(domain::RegistrationStatus::pending);
  r.created_at = row.int64(13);
  r.updated_at = row.int64(14);
  return r;
}

std::string search_key(const domain::Registration& r) {
  return domain::search_fold(r.name + " " + r.organisation.value_or("") + " " + r.email.value_or(""));
}

constexpr std::string_view kRsvpColumns =
    "v.id, v.session_id, v.registration_id, v.status, v.position, v.created_at, v.notice, r.name, r.delegation";

Rsvp read_rsvp(const Statement& row) {
  return {row.int64(0),
          row.int64(1),
          row.int64(2),
          domain::parse_name<domain::RsvpStatus>(row.text(3), domain::kRsvpStatusNames)
              .value_or(domain::RsvpStatus::waitlisted),
          row.int64(4),
          row.int64(5),
          row.optional_text(6),
          row.text(7),
          row.text(8)};
}

}  // namespace

RegistrationSettings settings(Connection& c, std::int64_t event_id) {
  auto statement =
      c.prepare("SELECT open, deadline, invitation_required FROM registration_settings WHERE event_id = ?1");
  statement->bind(1, event_id);
  if (!statement->step()) return {};
  return {statement->int64(0) != 0, statement->optional_int64(1), statement->int64(2) != 0};
}

void save_settings(Connection& c, std::int64_t event_id, const RegistrationSettings& settings) {
  auto statement = c.prepare(
      "INSERT INTO registration_settings (event_id, open, deadline, invitation_required) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (event_id) DO UPDATE SET open = ?2, deadline = ?3, invitation_required = ?4");
  statement->bind_all(event_id, settings.open, settings.deadline, settings.invitation_required);
  statement->run();
}

std::int64_t insert_invitation(Connection& c, std::int64_t event_id, std::string_view delegation,
                               const auth::TokenHash& code_hash, std::optional<std::int64_t> max_uses,
                               std::int64_t now) {
  auto statement = c.prepare(
      "INSERT INTO invitation_codes (event_id, delegation, code_hash, max_uses, created_at) VALUES (?1, ?2, ?3, ?4, "
      "?5)");
  statement->bind(1, event_id).bind(2, delegation);
  statement->bind_blob(3, code_hash);
  statement->bind(4, max_uses).bind(5, now);
  statement->run();
  return c.last_insert_rowid();
}

std::optional<Invitation> find_invitation(Connection& c, std::int64_t event_id, const auth::TokenHash& code_hash) {
  auto statement = c.prepare(
      "SELECT id, event_id, delegation, max_uses, uses, revoked_at FROM invitation_codes "
      "WHERE event_id = ?1 AND code_hash = ?2");
  statement->bind(1, event_id);
  statement->bind_blob(2, code_hash);
  if (!statement->step()) return std::nullopt;
  return Invitation{statement->int64(0),          statement->int64(1), statement->text(2),
                    statement->optional_int64(3), statement->int64(4), statement->optional_int64(5)};
}

void use_invitation(Connection& c, std::int64_t id) {
  auto statement = c.prepare("UPDATE invitation_codes SET uses = uses + 1 WHERE id = ?1");
  statement->bind(1, id);
  statement->run();
}

std::int64_t insert_registration(Connection& c, const domain::Registration& r,
                                 std::optional<std::int64_t> invitation_id) {
  auto statement = c.prepare(
      "INSERT INTO registrations (event_id, name, position, organisation, delegation, category, email, phone, "
      "preferred_language, attendance, notes, search_key, status, invitation_id, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)");
  statement->bind_all(r.event_id, r.name, r.position, r.organisation, r.delegation, domain::to_string(r.category),
                      r.email, r.phone, r.preferred_language, domain::to_string(r.attendance), r.notes, search_key(r),
                      domain::to_string(r.status), invitation_id, r.created_at);
  statement->run();
  return c.last_insert_rowid();
}

std::optional<domain::Registration> find_registration(Connection& c, std::int64_t event_id, std::int64_t id) {
  auto statement =
      c.prepare("SELECT " + std::string(kRegistrationColumns) + " FROM registrations WHERE event_id = ?1 AND id = ?2");
  statement->bind_all(event_id, id);
  if (!statement->step()) return std::nullopt;
  return read_registration(*statement);
}

std::optional<domain::Registration> find_registration_by_email(Connection& c, std::int64_t event_id,
                                                               std::string_view email) {
  auto statement = c.prepare("SELECT " + std::string(kRegistrationColumns) +
                             " FROM registrations WHERE event_id = ?1 AND email = ?2");
  statement->bind_all(event_id, email);
  if (!statement->step()) return std::nullopt;
  return read_registration(*statement);
}

std::vector<domain::Registration> list_registrations(Connection& c, std::int64_t event_id,
                                                     const RegistrationFilter& filter, const PageRequest& page) {
  // Every filter is a bound parameter; an absent one is NULL and matches all.
  auto statement = c.prepare("SELECT " + std::string(kRegistrationColumns) +
                             " FROM registrations WHERE event_id = ?1 AND id > ?2"
                             " AND (?3 IS NULL OR delegation = ?3) AND (?4 IS NULL OR category = ?4)"
                             " AND (?5 IS NULL OR status = ?5) AND (?6 IS NULL OR attendance = ?6)"
                             " AND (?7 IS NULL OR instr(search_key, ?7) > 0) ORDER BY id LIMIT ?8");
  const auto name = [](auto value) {
    return value ? std::optional<std::string>(std::string(domain::to_string(*value))) : std::nullopt;
  };
  statement->bind_all(event_id, page.after_id, filter.delegation, name(filter.category), name(filter.status),
                      name(filter.attendance), filter.search, static_cast<std::int64_t>(page.limit));
  std::vector<domain::Registration> rows;
  while (statement->step()) rows.push_back(read_registration(*statement));
  return rows;
}

void update_registration(Connection& c, const domain::Registration& r) {
  auto statement = c.prepare(
      "UPDATE registrations SET name = ?2, position = ?3, organisation = ?4, delegation = ?5, category = ?6, "
      "email = ?7, phone = ?8, preferred_language = ?9, attendance = ?10, notes = ?11, search_key = ?12, "
      "updated_at = ?13 WHERE id = ?1");
  statement->bind_all(r.id, r.name, r.position, r.organisation, r.delegation, domain::to_string(r.category), r.email,
                      r.phone, r.preferred_language, domain::to_string(r.attendance), r.notes, search_key(r),
                      r.updated_at);
  statement->run();
}

void set_status(Connection& c, std::int64_t id, domain::RegistrationStatus status, std::optional<std::int64_t> by,
                std::int64_t now) {
  auto statement = c.prepare(
      "UPDATE registrations SET status = ?2, decided_by = ?3, decided_at = ?4, updated_at = ?4 WHERE id = ?1");
  statement->bind_all(id, domain::to_string(status), by, now);
  statement->run();
}

void revoke_access(Connection& c, std::int64_t registration_id, std::int64_t now) {
  auto codes = c.prepare("UPDATE access_codes SET revoked_at = ?2 WHERE registration_id = ?1 AND revoked_at IS NULL");
  codes->bind_all(registration_id, now);
  codes->run();
  auto tokens =
      c.prepare("UPDATE delegate_tokens SET revoked_at = ?2 WHERE registration_id = ?1 AND revoked_at IS NULL");
  tokens->bind_all(registration_id, now);
  tokens->run();
}

void replace_access_code(Connection& c, std::int64_t registration_id, const auth::TokenHash& code_hash,
                         std::int64_t now) {
  revoke_access(c, registration_id, now);
  auto statement = c.prepare("INSERT INTO access_codes (code_hash, registration_id, created_at) VALUES (?1, ?2, ?3)");
  statement->bind_blob(1, code_hash);
  statement->bind(2, registration_id).bind(3, now);
  statement->run();
}

std::optional<domain::Registration> registration_for_code(Connection& c, const auth::TokenHash& code_hash) {
  auto statement = c.prepare("SELECT " + std::string(kRegistrationColumns) +
                             " FROM registrations WHERE status = 'approved' AND id = (SELECT registration_id FROM "
                             "access_codes WHERE code_hash = ?1 AND revoked_at IS NULL)");
  statement->bind_blob(1, code_hash);
  if (!statement->step()) return std::nullopt;
  return read_registration(*statement);
}

void insert_delegate_token(Connection& c, const auth::TokenHash& hash, std::int64_t registration_id, std::int64_t now,
                           std::int64_t expires_at) {
  auto statement = c.prepare(
      "INSERT INTO delegate_tokens (token_hash, registration_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)");
  statement->bind_blob(1, hash);
  statement->bind(2, registration_id).bind(3, now).bind(4, expires_at);
  statement->run();
}

std::optional<auth::Principal> principal_for_delegate_token(Connection& c, const auth::TokenHash& hash,
                                                            std::int64_t now) {
  auto statement = c.prepare(
      "SELECT r.id, r.event_id, coalesce(r.email, ''), t.expires_at FROM delegate_tokens t "
      "JOIN registrations r ON r.id = t.registration_id "
      "WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND t.expires_at > ?2 AND r.status = 'approved'");
  statement->bind_blob(1, hash);
  statement->bind(2, now);
  if (!statement->step()) return std::nullopt;
  auth::Principal principal;
  principal.role = auth::Role::delegate;
  principal.registration_id = statement->int64(0);
  principal.event_id = statement->int64(1);
  principal.email = statement->text(2);
  principal.token_expires_at = statement->int64(3);
  return principal;
}

bool revoke_delegate_token(Connection& c, const auth::TokenHash& hash, std::int64_t now) {
  auto statement = c.prepare("UPDATE delegate_tokens SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL");
  statement->bind_blob(1, hash);
  statement->bind(2, now);
  statement->run();
  return c.changes() > 0;
}

std::optional<Rsvp> find_rsvp(Connection& c, std::int64_t session_id, std::int64_t registration_id) {
  auto statement = c.prepare("SELECT " + std::string(kRsvpColumns) +
                             " FROM rsvps v JOIN registrations r ON r.id = v.registration_id"
                             " WHERE v.session_id = ?1 AND v.registration_id = ?2");
  statement->bind_all(session_id, registration_id);
  if (!statement->step()) return std::nullopt;
  return read_rsvp(*statement);
}

std::int64_t count_confirmed(Connection& c, std::int64_t session_id) {
  auto statement = c.prepare("SELECT count(*) FROM rsvps WHERE session_id = ?1 AND status = 'confirmed'");
  statement->bind(1, session_id);
  statement->step();
  return statement->int64(0);
}

SeatCounts count_seats(Connection& c, std::int64_t session_id) {
  auto statement = c.prepare(
      "SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) FILTER (WHERE status = 'waitlisted') "
      "FROM rsvps WHERE session_id = ?1");
  statement->bind(1, session_id);
  statement->step();
  return {statement->int64(0), statement->int64(1)};
}

std::int64_t insert_rsvp(Connection& c, std::int64_t session_id, std::int64_t registration_id,
                         domain::RsvpStatus status, std::int64_t now) {
  auto statement = c.prepare(
      "INSERT INTO rsvps (session_id, registration_id, status, position, created_at, confirmed_at) "
      "VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM rsvps WHERE session_id = ?1), ?4, "
      "CASE WHEN ?3 = 'confirmed' THEN ?4 END)");
  statement->bind_all(session_id, registration_id, domain::to_string(status), now);
  statement->run();
  return c.last_insert_rowid();
}

void delete_rsvp(Connection& c, std::int64_t id) {
  auto statement = c.prepare("DELETE FROM rsvps WHERE id = ?1");
  statement->bind(1, id);
  statement->run();
}

std::vector<Rsvp> promote_waitlist(Connection& c, std::int64_t session_id, std::int64_t capacity, std::int64_t now) {
  std::vector<Rsvp> promoted;
  const std::int64_t free = capacity - count_confirmed(c, session_id);
  if (free <= 0) return promoted;
  auto next = c.prepare("SELECT " + std::string(kRsvpColumns) +
                        " FROM rsvps v JOIN registrations r ON r.id = v.registration_id"
                        " WHERE v.session_id = ?1 AND v.status = 'waitlisted' ORDER BY v.position LIMIT ?2");
  next->bind_all(session_id, free);
  while (next->step()) promoted.push_back(read_rsvp(*next));
  auto confirm = c.prepare("UPDATE rsvps SET status = 'confirmed', confirmed_at = ?2 WHERE id = ?1");
  for (auto& rsvp : promoted) {
    confirm->bind_all(rsvp.id, now);
    confirm->run();
    confirm->reset();
    rsvp.status = domain::RsvpStatus::confirmed;
  }
  return promoted;
}

std::vector<Rsvp> list_rsvps(Connection& c, std::int64_t session_id) {
  auto statement = c.prepare("SELECT " + std::string(kRsvpColumns) +
                             " FROM rsvps v JOIN registrations r ON r.id = v.registration_id"
                             " WHERE v.session_id = ?1 ORDER BY v.status, v.position");
  statement->bind(1, session_id);
  std::vector<Rsvp> rows;
  while (statement->step()) rows.push_back(read_rsvp(*statement));
  return rows;
}

std::vector<Rsvp> rsvps_of(Connection& c, std::int64_t registration_id) {
  auto statement = c.prepare("SELECT " + std::string(kRsvpColumns) +
                             " FROM rsvps v JOIN registrations r ON r.id = v.registration_id"
                             " WHERE v.registration_id = ?1 ORDER BY v.session_id");
  statement->bind(1, registration_id);
  std::vector<Rsvp> rows;
  while (statement->step()) rows.push_back(read_rsvp(*statement));
  return rows;
}

std::int64_t waitlist_place(Connection& c, const Rsvp& rsvp) {
  auto statement =
      c.prepare("SELECT count(*) FROM rsvps WHERE session_id = ?1 AND status = 'waitlisted' AND position <= ?2");
  statement->bind_all(rsvp.session_id, rsvp.position);
  statement->step();
  return statement->int64(0);
}

void mark_rsvps(Connection& c, std::int64_t session_id, std::string_view notice) {
  auto statement = c.prepare("UPDATE rsvps SET notice = ?2 WHERE session_id = ?1");
  statement->bind_all(session_id, notice);
  statement->run();
}

void add_bookmark(Connection& c, std::int64_t registration_id, std::int64_t session_id, std::int64_t now) {
  auto statement = c.prepare(
      "INSERT INTO bookmarks (registration_id, session_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  statement->bind_all(registration_id, session_id, now);
  statement->run();
}

void remove_bookmark(Connection& c, std::int64_t registration_id, std::int64_t session_id) {
  auto statement = c.prepare("DELETE FROM bookmarks WHERE registration_id = ?1 AND session_id = ?2");
  statement->bind_all(registration_id, session_id);
  statement->run();
}

std::vector<std::int64_t> bookmarks_of(Connection& c, std::int64_t registration_id) {
  auto statement = c.prepare("SELECT session_id FROM bookmarks WHERE registration_id = ?1 ORDER BY session_id");
  statement->bind(1, registration_id);
  std::vector<std::int64_t> ids;
  while (statement->step()) ids.push_back(statement->int64(0));
  return ids;
}

std::optional<StoredResponse> find_idempotent(Connection& c, std::string_view principal, std::string_view key) {
  auto statement = c.prepare(
      "SELECT method, path, status, coalesce(content_type, ''), body FROM idempotency_keys "
      "WHERE principal = ?1 AND key = ?2");
  statement->bind_all(principal, key);
  if (!statement->step()) return std::nullopt;
  return StoredResponse{statement->text(0), statement->text(1), static_cast<unsigned>(statement->int64(2)),
                        statement->text(3), statement->text(4)};
}

void save_idempotent(Connection& c, std::string_view principal, std::string_view key, const StoredResponse& response,
                     std::int64_t now) {
  auto statement = c.prepare(
      "INSERT INTO idempotency_keys (principal, key, method, path, status, content_type, body, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  statement->bind_all(principal, key, response.method, response.path, static_cast<std::int64_t>(response.status),
                      response.content_type, response.body, now);
  statement->run();
}

std::vector<std::int64_t> followers_of(Connection& c, std::int64_t session_id) {
  auto statement = c.prepare(
      "SELECT registration_id FROM rsvps WHERE session_id = ?1 UNION "
      "SELECT registration_id FROM bookmarks WHERE session_id = ?1 ORDER BY 1");
  statement->bind(1, session_id);
  std::vector<std::int64_t> ids;
  while (statement->step()) ids.push_back(statement->int64(0));
  return ids;
}

}  // namespace plenary::db::registration_store
